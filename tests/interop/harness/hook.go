package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Hook is host-adapters/go/cmd/nanomdm-hook: the minimal acmepolicy for Go operators, configured from a
// folder (policies/*.json, inventory.json) that a scenario writes as an operator's GitOps checkout would.
type Hook struct {
	Proc      *Proc
	URL       string
	ConfigDir string
	StatePath string
}

// StartHook starts the hook with an empty configuration folder.
func StartHook(t testing.TB, bin, dir string, port int, nanoURL, apiKey, hmacKey string) *Hook {
	t.Helper()
	if bin == "" {
		t.Fatal("NANOMDM_HOOK_BIN is not set: run the interop scenarios through ctest (-L interop)")
	}
	h := &Hook{URL: fmt.Sprintf("http://127.0.0.1:%d", port), ConfigDir: filepath.Join(dir, "hook-config"),
		StatePath: filepath.Join(dir, "hook-state.json")}
	check(t, os.MkdirAll(filepath.Join(h.ConfigDir, "policies"), 0o755))
	h.Proc = &Proc{Name: "nanomdm-hook", Bin: bin, Dir: dir, Args: []string{
		"-listen", fmt.Sprintf("127.0.0.1:%d", port), "-config-dir", h.ConfigDir, "-state", h.StatePath,
		"-nanomdm-url", nanoURL, "-nanomdm-api-key", apiKey, "-webhook-hmac-key", hmacKey,
		"-prefix", "com.example.interop", "-rescan", "200ms",
	}}
	h.Proc.Start(t)
	WaitHTTP(t, h.Proc, h.URL+"/webhook", nil, 20*time.Second)
	return h
}

// WriteConfig writes one file of the configuration folder (the hook notices the change by itself).
func (h *Hook) WriteConfig(t testing.TB, name string, v any) {
	t.Helper()
	raw, err := json.MarshalIndent(v, "", "  ")
	check(t, err)
	check(t, os.WriteFile(filepath.Join(h.ConfigDir, name), raw, 0o644))
}

// Acknowledged reports whether the hook's state file records the policy's profile as installed on the device.
func (h *Hook) Acknowledged(t testing.TB, device, policy string) bool {
	t.Helper()
	raw, err := os.ReadFile(h.StatePath)
	if err != nil {
		return false
	}
	var state struct {
		Installed map[string]map[string]struct {
			Acknowledged bool `json:"acknowledged"`
		} `json:"installed"`
	}
	if json.Unmarshal(raw, &state) != nil {
		return false
	}
	return state.Installed[device][policy].Acknowledged
}
