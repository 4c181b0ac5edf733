package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNanoMDM records enqueued commands (the real NanoMDM runs in tests/interop scenario 7).
type fakeNanoMDM struct {
	mu       sync.Mutex
	commands []string // raw command plists
}

func (f *fakeNanoMDM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if user, pass, ok := r.BasicAuth(); !ok || user != "nanomdm" || pass != "key" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.commands = append(f.commands, string(body))
	f.mu.Unlock()
	w.WriteHeader(http.StatusInternalServerError) // stored, but no APNs certificate to push with
	io.WriteString(w, `{"push_error":"no push certificate"}`)
}

func (f *fakeNanoMDM) requestTypes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.commands {
		for _, t := range []string{"InstallProfile", "RemoveProfile"} {
			if strings.Contains(c, "<string>"+t+"</string>") {
				out = append(out, t)
			}
		}
	}
	return out
}

func policyDocument(t *testing.T) map[string]any {
	t.Helper()
	dir := os.Getenv("ACMEPOLICY_TEST_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "tests", "c_abi", "data")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "policy-valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, _ := json.Marshal(v)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

type testSetup struct {
	hook   *Hook
	nano   *fakeNanoMDM
	dir    string
	policy map[string]any
}

func setup(t *testing.T, members ...string) *testSetup {
	t.Helper()
	dir := t.TempDir()
	policy := policyDocument(t)
	writeJSON(t, filepath.Join(dir, "config", "policies", "p.json"), policy)
	writeJSON(t, filepath.Join(dir, "config", "inventory.json"), map[string]any{
		"groups": []any{map[string]any{"id": "staff", "devices": members}}})
	nano := &fakeNanoMDM{}
	server := httptest.NewServer(nano)
	t.Cleanup(server.Close)
	state, err := LoadState(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := &Hook{Folder: &Folder{Dir: filepath.Join(dir, "config")}, State: state,
		MDM:     &NanoMDM{URL: server.URL, APIKey: "key", Client: server.Client()},
		HMACKey: "hkey", Render: RenderSettings{IdentifierPrefix: "com.example.hook"},
		Logger: log.New(io.Discard, "", 0)}
	if err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	return &testSetup{hook: h, nano: nano, dir: dir, policy: policy}
}

func checkinEvent(topic string, created time.Time, message string) []byte {
	raw := base64.StdEncoding.EncodeToString([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>` + message + `</dict></plist>`))
	ev := map[string]any{"topic": topic, "event_id": "e-" + topic, "created_at": created.Format(time.RFC3339Nano),
		"checkin_event": map[string]any{"udid": "UDID-1", "raw_payload": raw,
			"ids": map[string]any{"id": "UDID-1", "type": "Device"}}}
	body, _ := json.Marshal(ev)
	return body
}

func (s *testSetup) post(t *testing.T, body []byte, sign bool) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	if sign {
		mac := hmac.New(sha256.New, []byte("hkey"))
		mac.Write(body)
		req.Header.Set("X-Hmac-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	rec := httptest.NewRecorder()
	s.hook.ServeHTTP(rec, req)
	return rec.Code
}

const authenticate = `<key>MessageType</key><string>Authenticate</string><key>UDID</key><string>UDID-1</string>
<key>SerialNumber</key><string>SERIAL1</string><key>ProductName</key><string>iPhone15,2</string>
<key>OSVersion</key><string>17.5</string>`
const tokenUpdate = `<key>MessageType</key><string>TokenUpdate</string><key>UDID</key><string>UDID-1</string>`

func TestEnrollmentInstallsOnceAndGroupRemovalRemoves(t *testing.T) {
	s := setup(t, "SERIAL1") // the group names the device by serial number
	t0 := time.Now()
	if code := s.post(t, checkinEvent("mdm.Authenticate", t0, authenticate), true); code != 200 {
		t.Fatalf("Authenticate: %d", code)
	}
	if code := s.post(t, checkinEvent("mdm.TokenUpdate", t0.Add(time.Millisecond), tokenUpdate), true); code != 200 {
		t.Fatalf("TokenUpdate: %d", code)
	}
	if got := fmt.Sprint(s.nano.requestTypes()); got != "[InstallProfile]" {
		t.Fatalf("enqueued %s, want one InstallProfile", got)
	}
	if err := s.hook.ReconcileAll(); err != nil || len(s.nano.requestTypes()) != 1 {
		t.Fatalf("a second reconcile sent again (%v): %v", err, s.nano.requestTypes())
	}
	// The state survives a restart of the hook.
	reloaded, err := LoadState(filepath.Join(s.dir, "state.json"))
	if err != nil || reloaded.Installed["UDID-1"]["corp-device-identity"].PayloadUUID == "" {
		t.Fatalf("state file lacks the install: %v %+v", err, reloaded)
	}

	// A broken edit keeps the last valid version in force: nothing is removed.
	broken := map[string]any{}
	for k, v := range s.policy {
		broken[k] = v
	}
	broken["payload"] = map[string]any{"DirectoryURL": "not a url"}
	writeJSON(t, filepath.Join(s.dir, "config", "policies", "p.json"), broken)
	if err := s.hook.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := s.hook.ReconcileAll(); err != nil || len(s.nano.requestTypes()) != 1 {
		t.Fatalf("an invalid edit changed the device (%v): %v", err, s.nano.requestTypes())
	}

	writeJSON(t, filepath.Join(s.dir, "config", "inventory.json"), map[string]any{
		"groups": []any{map[string]any{"id": "staff", "devices": []string{}}}})
	if err := s.hook.Reload(); err != nil {
		t.Fatal(err)
	}
	if err := s.hook.ReconcileAll(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(s.nano.requestTypes()); got != "[InstallProfile RemoveProfile]" {
		t.Fatalf("after leaving the group: %s", got)
	}
}

func TestLateAuthenticateKeepsTheEnrollment(t *testing.T) {
	s := setup(t, "UDID-1")
	t0 := time.Now()
	s.post(t, checkinEvent("mdm.TokenUpdate", t0.Add(time.Millisecond), tokenUpdate), true)
	s.post(t, checkinEvent("mdm.Authenticate", t0, authenticate), true) // overtaken by its TokenUpdate
	if got := fmt.Sprint(s.nano.requestTypes()); got != "[InstallProfile]" {
		t.Fatalf("enqueued %s, want the InstallProfile once the facts arrived", got)
	}
	if !s.hook.State.Devices["UDID-1"].Enrolled {
		t.Fatalf("the late Authenticate ended the enrollment")
	}
}

func TestUnsignedAndMalformedEventsAreRefused(t *testing.T) {
	s := setup(t, "UDID-1")
	if code := s.post(t, checkinEvent("mdm.Authenticate", time.Now(), authenticate), false); code != http.StatusUnauthorized {
		t.Errorf("unsigned event: %d, want 401", code)
	}
	if code := s.post(t, []byte(`{"topic": 1}`), true); code != http.StatusBadRequest {
		t.Errorf("malformed event: %d, want 400", code)
	}
	if len(s.hook.State.Devices) != 0 {
		t.Errorf("refused events changed the state")
	}
}

func TestPublicListenerNeedsTheHMACKey(t *testing.T) {
	if err := checkFlags("d", "http://n", "k", "", "0.0.0.0:9001", false); err == nil {
		t.Errorf("a public listener without -webhook-hmac-key was accepted")
	}
	if err := checkFlags("d", "http://n", "k", "", "127.0.0.1:9001", false); err != nil {
		t.Errorf("loopback without a key: %v", err)
	}
}

// The hook keeps no mapping of its own: the record is the library's (acmepolicy.DeviceFromCheckin), so an
// unknown product gets no platform (never a guess) and NanoMDM's User Enrollment channel makes a user record.
func TestCheckinsAreMappedByTheLibrary(t *testing.T) {
	s := setup(t, "UDID-1")
	t0 := time.Now()
	message := `<key>MessageType</key><string>Authenticate</string><key>UDID</key><string>UDID-1</string>
<key>ProductName</key><string>Toaster1,1</string><key>OSVersion</key><string>17.5</string>`
	if code := s.post(t, checkinEvent("mdm.Authenticate", t0, message), true); code != 200 {
		t.Fatalf("Authenticate: %d", code)
	}
	record := s.hook.State.Devices["UDID-1"].Record
	if _, has := record["platform"]; has || record["product_name"] != "Toaster1,1" || record["enrollment"] != "device" {
		t.Fatalf("record %v", record)
	}

	ev := map[string]any{}
	if err := json.Unmarshal(checkinEvent("mdm.TokenUpdate", t0.Add(time.Millisecond), tokenUpdate), &ev); err != nil {
		t.Fatal(err)
	}
	inner := ev["checkin_event"].(map[string]any)
	inner["ids"] = map[string]any{"id": "UE-1", "type": "User Enrollment (Device)"}
	body, _ := json.Marshal(ev)
	if code := s.post(t, body, true); code != 200 {
		t.Fatalf("TokenUpdate: %d", code)
	}
	if got := s.hook.State.Devices["UE-1"].Record["enrollment"]; got != "user" {
		t.Fatalf("User Enrollment channel gave enrollment %v", got)
	}
}
