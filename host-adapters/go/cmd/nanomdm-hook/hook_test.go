package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func reference(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testHook(t *testing.T, out *bytes.Buffer) *Hook {
	t.Helper()
	dir := os.Getenv("ACMEPOLICY_TEST_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "tests", "c_abi", "data")
	}
	policy, err := os.ReadFile(filepath.Join(dir, "policy-valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	return &Hook{Policy: policy, IdentifierPrefix: "com.example.acme", Out: out,
		Random: bytes.NewReader(bytes.Repeat([]byte{0xab}, 64))}
}

func post(h http.Handler, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body)))
	return rec
}

// NanoMDM's own Authenticate example: the hook prints the InstallProfile command for that device, and
// the command is a property list that Python's plistlib reads back.
func TestAuthenticateEventGivesInstallProfile(t *testing.T) {
	var out bytes.Buffer
	rec := post(testHook(t, &out), reference(t, "webhook-example.Authenticate.json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var enqueue Enqueue
	if err := json.Unmarshal(rec.Body.Bytes(), &enqueue); err != nil {
		t.Fatal(err)
	}
	const udid = "66ADE930-5FDF-5EC4-8429-15640684C489"
	if enqueue.Path != "/v1/enqueue/"+udid || enqueue.CommandUUID == "" {
		t.Fatalf("enqueue %+v", enqueue)
	}
	printed := out.String()
	if !strings.Contains(printed, "PUT /v1/enqueue/"+udid) || !strings.Contains(printed, enqueue.Command) {
		t.Fatalf("printed:\n%s", printed)
	}

	check := exec.Command("python3", "-c", `
import plistlib, sys, base64
cmd = plistlib.loads(sys.stdin.buffer.read())
assert cmd["Command"]["RequestType"] == "InstallProfile", cmd
profile = plistlib.loads(cmd["Command"]["Payload"])
acme = [p for p in profile["PayloadContent"] if p["PayloadType"] == "com.apple.security.acme"]
assert len(acme) == 1, profile
print(cmd["CommandUUID"])
`)
	check.Stdin = strings.NewReader(enqueue.Command)
	got, err := check.CombinedOutput()
	if err != nil {
		t.Fatalf("plistlib: %v\n%s\ncommand:\n%s", err, got, enqueue.Command)
	}
	if strings.TrimSpace(string(got)) != enqueue.CommandUUID {
		t.Fatalf("CommandUUID %q in the plist, %q reported", got, enqueue.CommandUUID)
	}
}

// A TokenUpdate is acted on the same way; the check-in is built from the Authenticate example's plist.
func TestTokenUpdateEvent(t *testing.T) {
	var ev map[string]any
	if err := json.Unmarshal(reference(t, "webhook-example.Authenticate.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["topic"] = "mdm.TokenUpdate"
	body, _ := json.Marshal(ev)
	var out bytes.Buffer
	if rec := post(testHook(t, &out), body); rec.Code != http.StatusOK || !strings.Contains(out.String(), "InstallProfile") {
		t.Fatalf("status %d: %s\n%s", rec.Code, rec.Body, out.String())
	}
}

// Events the hook does not act on, and malformed ones.
func TestOtherAndBadEvents(t *testing.T) {
	var out bytes.Buffer
	h := testHook(t, &out)
	if rec := post(h, reference(t, "webhook-example.DeviceInformation.json")); rec.Code != http.StatusNoContent {
		t.Fatalf("mdm.Connect: status %d", rec.Code)
	}
	if rec := post(h, []byte("{not json")); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad JSON: status %d", rec.Code)
	}
	bad := []byte(`{"topic":"mdm.Authenticate","created_at":"0001-01-01T00:00:00Z","checkin_event":{"raw_payload":"PHBsaXN0Pg=="}}`)
	if rec := post(h, bad); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "check-in") {
		t.Fatalf("bad plist: status %d %s", rec.Code, rec.Body)
	}
	notBase64 := []byte(`{"topic":"mdm.Authenticate","created_at":"0001-01-01T00:00:00Z","checkin_event":{"raw_payload":"%%%"}}`)
	if rec := post(h, notBase64); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad base64: status %d", rec.Code)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhook", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: status %d", rec.Code)
	}
	if out.Len() != 0 {
		t.Fatalf("printed a command for a non-check-in event:\n%s", out.String())
	}
}
