package acmepolicy

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// dataDir holds the documents shared with the C ABI tests (tests/c_abi/data).
func dataDir() string {
	if dir := os.Getenv("ACMEPOLICY_TEST_DATA"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "tests", "c_abi", "data")
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const now = "2026-11-28T12:00:00Z"
const iphone = "66ADE930-5FDF-5EC4-8429-15640684C489"

func TestVersion(t *testing.T) {
	v, err := Versions()
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != Version() || v.ABIVersion != 1 || v.SchemaVersion < 1 {
		t.Fatalf("versions disagree: Version()=%q, Versions()=%+v", Version(), v)
	}
	if StatusInvalidInput.String() != "invalid_input" || Status(42).String() != "unknown" {
		t.Fatalf("status names: %q %q", StatusInvalidInput, Status(42))
	}
}

func TestValidate(t *testing.T) {
	r, err := ValidateWith(read(t, "policy-valid.json"), ValidateOptions{Now: now})
	if err != nil || !r.Valid {
		t.Fatalf("valid policy: %+v, %v", r, err)
	}
	r, err = Validate(read(t, "policy-invalid.json"))
	if err != nil || r.Valid || len(r.Diagnostics) == 0 {
		t.Fatalf("invalid policy: %+v, %v", r, err)
	}
	for _, d := range r.Diagnostics {
		if d.Code == "" || d.Message == "" || d.Severity == "" {
			t.Fatalf("incomplete diagnostic %+v", d)
		}
	}
	// Not JSON at all, empty and nil inputs: reports, never panics.
	for _, input := range [][]byte{[]byte("{not json"), {}, nil, []byte("\x00\xff")} {
		r, err := Validate(input)
		if err != nil || r.Valid || len(r.Diagnostics) == 0 {
			t.Fatalf("Validate(%q) = %+v, %v", input, r, err)
		}
	}
}

func TestValidateSet(t *testing.T) {
	r, err := ValidateSet(read(t, "policies.json"), ValidateOptions{})
	if err != nil || !r.Valid || len(r.Policies) != 2 {
		t.Fatalf("ValidateSet = %+v, %v", r, err)
	}
}

func renderOptions() RenderOptions {
	return RenderOptions{Format: "mobileconfig", IdentifierPrefix: "com.example.acme", Preview: true, Now: now,
		RandomHex: "00112233445566778899aabbccddeeff"}
}

func TestRender(t *testing.T) {
	profile, meta, err := Render(read(t, "policy-valid.json"), renderOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(profile, []byte("<?xml")) || !bytes.Contains(profile, []byte("com.apple.security.acme")) {
		t.Fatalf("not a profile:\n%s", profile)
	}
	if meta.PayloadIdentifier == "" || !strings.HasPrefix(meta.PayloadIdentifier, "com.example.acme") ||
		!bytes.Contains(profile, []byte(meta.PayloadIdentifier)) || meta.Metadata["format"] == nil {
		t.Fatalf("metadata %+v does not describe the profile", meta)
	}

	_, _, err = Render(read(t, "policy-invalid.json"), renderOptions())
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidInput || len(e.Diagnostics) == 0 {
		t.Fatalf("invalid policy rendered: %v", err)
	}

	opts := renderOptions()
	opts.Format = "pdf"
	_, _, err = Render(read(t, "policy-valid.json"), opts)
	if !errors.As(err, &e) || e.Status != StatusBadArguments || e.Error() == "" {
		t.Fatalf("unknown format: %v", err)
	}
}

// A signed profile with key material passed in memory, checked by the real openssl.
func TestRenderSigned(t *testing.T) {
	dir := t.TempDir()
	certificate, key := filepath.Join(dir, "signer.pem"), filepath.Join(dir, "signer.key")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
		"-nodes", "-days", "30", "-subj", "/O=acmepolicy tests/CN=go signer", "-keyout", key, "-out", certificate).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	certificatePEM, _ := os.ReadFile(certificate)
	keyPEM, _ := os.ReadFile(key)

	info, err := InspectCertificate(certificatePEM)
	if err != nil || !strings.Contains(info.Subject, "go signer") || info.SHA256Fingerprint == "" {
		t.Fatalf("InspectCertificate = %+v, %v", info, err)
	}

	opts := renderOptions()
	opts.Signing = &Signing{CertificatePEM: string(certificatePEM), KeyPEM: string(keyPEM)}
	signed, _, err := Render(read(t, "policy-valid.json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	der := filepath.Join(dir, "signed.mobileconfig")
	if err := os.WriteFile(der, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-in", der, "-CAfile", certificate,
		"-purpose", "any").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("com.apple.security.acme")) {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestVerifyClientToken(t *testing.T) {
	ok, err := VerifyClientToken(ClientTokenRequest{Secret: "s3cret-s3cret-s3cret", PolicyID: "p", DeviceID: "d",
		Token: "not-the-token"})
	if err != nil || ok {
		t.Fatalf("wrong token accepted: %v, %v", ok, err)
	}
}

func TestResolveExplainPlan(t *testing.T) {
	inventory, policies, policy := read(t, "inventory.json"), read(t, "policies.json"), read(t, "policy-valid.json")
	r, err := Resolve(inventory, policies, ResolveOptions{Now: now})
	if err != nil || len(r.Policies) != 2 {
		t.Fatalf("Resolve = %+v, %v", r, err)
	}
	found := false
	for _, p := range r.Policies {
		for _, inc := range p.Included {
			found = found || (p.ID == "corp-device-identity" && inc.Device == iphone)
		}
	}
	if !found {
		t.Fatalf("the iPhone does not receive corp-device-identity: %+v", r)
	}

	e, err := Explain(inventory, policy, iphone, ResolveOptions{})
	if err != nil || !e.Included || e.Message == "" {
		t.Fatalf("Explain(iphone) = %+v, %v", e, err)
	}
	e, err = Explain(inventory, policy, "old-ipad", ResolveOptions{})
	if err != nil || e.Included || e.Reason == "" {
		t.Fatalf("Explain(old-ipad) = %+v, %v", e, err)
	}
	_, err = Explain(inventory, policy, "no-such-device", ResolveOptions{})
	var ae *Error
	if !errors.As(err, &ae) || ae.Status != StatusNotFound {
		t.Fatalf("unknown device: %v", err)
	}

	plan, err := Plan(inventory, policies, read(t, "state.json"), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range plan.Actions {
		kinds[a.Action] = true
	}
	if !kinds["install"] || !kinds["remove"] {
		t.Fatalf("plan lacks install or remove: %+v", plan)
	}
}

func TestParseCheckin(t *testing.T) {
	m, err := ParseCheckin(read(t, "checkin-authenticate.plist"))
	if err != nil {
		t.Fatal(err)
	}
	if m["MessageType"] != "Authenticate" || m["UDID"] != iphone || m["Challenge"] != "YXBwbGU=" {
		t.Fatalf("check-in read as %v", m)
	}
	var e *Error
	if _, err := ParseCheckin([]byte("<plist><dict><key>x</key>")); !errors.As(err, &e) || e.Status == StatusOK {
		t.Fatalf("truncated plist accepted: %v", err)
	}
}

// Goroutines move between OS threads: every answer must still come back from its own call.
func TestConcurrentCalls(t *testing.T) {
	valid, invalid, checkin := read(t, "policy-valid.json"), read(t, "policy-invalid.json"), read(t, "checkin-authenticate.plist")
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				switch (g + i) % 3 {
				case 0:
					if r, err := Validate(valid); err != nil || !r.Valid {
						errs <- errors.New("valid policy reported invalid")
						return
					}
				case 1:
					if r, err := Validate(invalid); err != nil || r.Valid {
						errs <- errors.New("invalid policy reported valid")
						return
					}
				default:
					if m, err := ParseCheckin(checkin); err != nil || m["UDID"] != iphone {
						errs <- errors.New("check-in misread")
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
