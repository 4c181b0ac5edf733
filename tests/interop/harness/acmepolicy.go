package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Acmepolicy is `acmepolicy serve` on SQLite, serving HTTPS (step-ca calls only HTTPS webhooks), with the
// NanoMDM enqueue API, the webhook HMAC key and the step-ca webhook secret configured.
type Acmepolicy struct {
	Proc   *Proc
	URL    string
	Token  string
	client *http.Client
}

// AcmepolicyOptions wire the server.
type AcmepolicyOptions struct {
	Port           int
	TLSCA          *CA
	NanoMDMURL     string
	NanoMDMKey     string
	WebhookHMACKey string
	StepCASecret   string
	Extra          []string
}

// StartAcmepolicy starts the server and waits for its health route.
func StartAcmepolicy(t testing.TB, bin, dir string, o AcmepolicyOptions) *Acmepolicy {
	t.Helper()
	cert, key, err := o.TLSCA.ServerCert()
	check(t, err)
	certFile, keyFile := filepath.Join(dir, "acmepolicy-tls.crt"), filepath.Join(dir, "acmepolicy-tls.key")
	check(t, writeFile(certFile, CertPEM(cert)))
	check(t, writeFile(keyFile, KeyPEM(key)))
	tokenFile := filepath.Join(dir, "acmepolicy.token")
	args := []string{"serve",
		"--listen", fmt.Sprintf("127.0.0.1:%d", o.Port),
		"--database", "sqlite:" + filepath.Join(dir, "acmepolicy.db"),
		"--admin-token-file", tokenFile,
		"--identifier-prefix", "com.example.interop",
		"--nanomdm-url", o.NanoMDMURL, "--nanomdm-api-key", o.NanoMDMKey,
		"--webhook-hmac-key", o.WebhookHMACKey,
		"--tls-cert", certFile, "--tls-key", keyFile,
		"--retry-base-seconds", "1", "--retry-max-seconds", "2", "--poll-seconds", "1",
	}
	if o.StepCASecret != "" {
		args = append(args, "--stepca-webhook-secret", o.StepCASecret)
	}
	args = append(args, o.Extra...)
	p := &Proc{Name: "acmepolicy", Bin: bin, Args: args, Dir: dir}
	p.Start(t)
	a := &Acmepolicy{Proc: p, URL: fmt.Sprintf("https://127.0.0.1:%d", o.Port),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: TLSTrusting(o.TLSCA.Cert)}}}
	WaitHTTP(t, p, a.URL+"/api/v1/health", TLSTrusting(o.TLSCA.Cert), 30*time.Second)
	token, err := os.ReadFile(tokenFile)
	check(t, err)
	a.Token = strings.TrimSpace(string(token))
	return a
}

// Restart starts the stopped (or killed) server again with the same options and database.
func (a *Acmepolicy) Restart(t testing.TB) {
	t.Helper()
	a.Proc.Start(t)
	WaitHTTP(t, a.Proc, a.URL+"/api/v1/health", a.client.Transport.(*http.Transport).TLSClientConfig, 30*time.Second)
}

// Do calls the REST API with the admin token; body (when not nil) is sent as JSON and the answer decoded
// into out (when not nil). It returns the HTTP status.
func (a *Acmepolicy) Do(t testing.TB, method, path string, body, out any) int {
	t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		check(t, err)
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.URL+path, reader)
	check(t, err)
	req.Header.Set("Authorization", "Bearer "+a.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	check(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	check(t, err)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: answer %d is not JSON: %v: %s", method, path, resp.StatusCode, err, raw)
		}
	}
	return resp.StatusCode
}

// MustDo is Do that fails the test unless the status is the wanted one.
func (a *Acmepolicy) MustDo(t testing.TB, want int, method, path string, body, out any) {
	t.Helper()
	var raw json.RawMessage
	status := a.Do(t, method, path, body, &raw)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil && len(raw) > 0 {
		check(t, json.Unmarshal(raw, out))
	}
}

// AssignmentStatus is one policy's state on a device, from GET /api/v1/devices/{id}/status.
type AssignmentStatus struct {
	Policy          string          `json:"policy"`
	Status          string          `json:"status"`
	LastError       json.RawMessage `json:"last_error"`
	LastCommandUUID string          `json:"last_command_uuid"`
}

// DeviceStatus reads the device's assignment states, keyed by policy id.
func (a *Acmepolicy) DeviceStatus(t testing.TB, device string) map[string]AssignmentStatus {
	t.Helper()
	var answer struct {
		Assignments []AssignmentStatus `json:"assignments"`
	}
	status := a.Do(t, http.MethodGet, "/api/v1/devices/"+device+"/status", nil, &answer)
	out := map[string]AssignmentStatus{}
	if status != http.StatusOK {
		return out
	}
	for _, s := range answer.Assignments {
		out[s.Policy] = s
	}
	return out
}
