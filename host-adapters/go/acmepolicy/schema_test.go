package acmepolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestSchemaAnswersEveryTable(t *testing.T) {
	s, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := Versions()
	if s.SchemaVersion != v.SchemaVersion || s.Version != v.Version {
		t.Fatalf("schema %d/%q, versions %+v", s.SchemaVersion, s.Version, v)
	}
	if len(s.Variables) == 0 || len(s.DeviceRecordKeys) == 0 || len(s.PayloadKeys) == 0 || len(s.KeySizes) == 0 ||
		len(s.Codes) == 0 || len(s.Assignment.FallbackConditions) == 0 || len(s.AttestationHardware.Families) == 0 {
		t.Fatalf("a table is empty: %+v", s)
	}
	raw, err := SchemaJSON()
	if err != nil || !json.Valid(raw) {
		t.Fatalf("SchemaJSON: %v %q", err, raw)
	}
	// Every member of the document is decoded: re-encoding the typed value gives the same document.
	typed, _ := json.Marshal(s)
	var a, b any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(typed, &b)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("the Go types drop or change members:\n%s\n%s", raw, typed)
	}
}

// The code table is the one of docs/diagnostics.md: every documented code is in it with its severity.
func TestSchemaCodesAreTheDocumentedOnes(t *testing.T) {
	s, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(dataDir(), "..", "..", "..", "docs", "diagnostics.md"))
	if err != nil {
		t.Fatal(err)
	}
	bySchema := map[string]string{}
	for _, c := range s.Codes {
		bySchema[c.Code] = c.Severity
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+\\.[a-z_0-9]+)` \\| (error|warning|info) \\|").FindAllSubmatch(doc, -1)
	if len(rows) < 50 {
		t.Fatalf("only %d documented codes found", len(rows))
	}
	for _, row := range rows {
		if got := bySchema[string(row[1])]; got != string(row[2]) {
			t.Errorf("%s: documented %s, schema %q", row[1], row[2], got)
		}
	}
}

// The key-size table is what validation applies: listed sizes validate, others do not.
func TestSchemaKeySizesAgreeWithValidation(t *testing.T) {
	s, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	base := read(t, "policy-valid.json")
	for _, rule := range s.KeySizes {
		for _, size := range []int64{192, 256, 384, 521, 1024, 2048, 2049, 4096, 4104} {
			var doc map[string]any
			if err := json.Unmarshal(base, &doc); err != nil {
				t.Fatal(err)
			}
			payload := doc["payload"].(map[string]any)
			payload["KeyType"], payload["HardwareBound"], payload["KeySize"], payload["Attest"] =
				rule.KeyType, rule.HardwareBound, size, false
			policy, _ := json.Marshal(doc)
			report, err := Validate(policy)
			if err != nil {
				t.Fatal(err)
			}
			refused := false
			for _, d := range report.Diagnostics {
				if d.Severity == "error" && regexp.MustCompile(`^(keysize|hardwarebound)\.`).MatchString(d.Code) {
					refused = true
				}
			}
			if refused == rule.Accepts(size) {
				t.Errorf("%s HardwareBound=%v KeySize=%d: table accepts=%v, validation refused=%v",
					rule.KeyType, rule.HardwareBound, size, rule.Accepts(size), refused)
			}
		}
	}
	if !bytes.Contains([]byte(s.AttestationHardware.Source), []byte("com.apple.security.acme")) {
		t.Errorf("the hardware table names no source: %q", s.AttestationHardware.Source)
	}
}
