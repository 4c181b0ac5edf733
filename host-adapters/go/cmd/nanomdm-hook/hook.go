package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"sort"
	"sync"
	"time"

	"acmepolicy.dev/go/acmepolicy"
)

// RenderSettings are the render options every profile and plan uses (they decide profile identities, so
// they must not change between runs).
type RenderSettings struct {
	IdentifierPrefix  string
	ClientTokenSecret string
}

// Hook receives NanoMDM's webhook events and keeps every enrolled device at what the policies say.
// Methods are safe for concurrent use; one mutex serialises decisions, sends and state writes.
type Hook struct {
	Folder  *Folder
	State   *State
	MDM     *NanoMDM
	HMACKey string
	Render  RenderSettings
	Logger  *log.Logger

	mu       sync.Mutex
	config   *Config
	policies map[string]json.RawMessage // in force: the folder's valid version, else the last valid one
}

const maxEventBytes = 1 << 20

// Reload reads the folder and decides which version of each policy is in force. A policy that the
// library finds invalid is logged and its last valid version stays in force (a broken edit never
// uninstalls anything); a policy removed from the folder is removed from devices.
func (h *Hook) Reload() error {
	config, err := h.Folder.Read()
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	inForce := map[string]json.RawMessage{}
	for id, doc := range config.Policies {
		report, err := acmepolicy.ValidateWith(doc, acmepolicy.ValidateOptions{Now: time.Now().UTC().Format(time.RFC3339)})
		if err != nil {
			return err
		}
		for _, d := range report.Diagnostics {
			h.Logger.Printf("policy %s: %s %s at %q: %s", id, d.Severity, d.Code, d.Path, d.Message)
		}
		switch {
		case report.Valid:
			inForce[id] = doc
			h.State.Policies[id] = doc
		case h.State.Policies[id] != nil:
			h.Logger.Printf("policy %s is invalid; its last valid version stays in force until it is fixed", id)
			inForce[id] = h.State.Policies[id]
		default:
			h.Logger.Printf("policy %s is invalid and was never valid; it is not applied", id)
		}
	}
	h.config, h.policies = config, inForce
	return h.State.Save()
}

// Watch re-reads the folder every rescan and reconciles every device when it changed, and every resync
// in any case (which retries sends that failed). It never returns.
func (h *Hook) Watch(rescan, resync time.Duration) {
	lastSync := time.Now()
	for range time.Tick(rescan) {
		config, err := h.Folder.Read()
		if err != nil {
			h.Logger.Printf("config folder: %v (keeping the previous reading)", err)
			continue
		}
		h.mu.Lock()
		changed := h.config == nil || config.Fingerprint != h.config.Fingerprint
		h.mu.Unlock()
		if changed {
			if err := h.Reload(); err != nil {
				h.Logger.Printf("config folder: %v", err)
				continue
			}
			h.Logger.Printf("config folder changed; reconciling every device")
		}
		if changed || time.Since(lastSync) >= resync {
			lastSync = time.Now()
			if err := h.ReconcileAll(); err != nil {
				h.Logger.Printf("reconcile: %v", err)
			}
		}
	}
}

// ReconcileAll reconciles every known device.
func (h *Hook) ReconcileAll() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reconcile(nil)
}

// ServeHTTP takes one webhook event: it is verified, applied to the state, the state is saved, and only then
// is the event answered 200 (NanoMDM does not retry, so a 200 must mean stored).
func (h *Hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "webhook events are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxEventBytes+1))
	if err != nil || len(body) > maxEventBytes {
		http.Error(w, "event unreadable or over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	if h.HMACKey != "" && !validSignature(h.HMACKey, body, r.Header.Get("X-Hmac-Signature")) {
		http.Error(w, "X-Hmac-Signature missing or wrong", http.StatusUnauthorized)
		return
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Topic == "" {
		http.Error(w, "not a NanoMDM webhook event (a JSON object with a topic)", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	devices, err := h.apply(&ev)
	if err == nil {
		err = h.State.Save()
	}
	if err != nil {
		h.Logger.Printf("event %s (%s): %v", ev.EventID, ev.Topic, err)
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	if len(devices) > 0 {
		if err := h.reconcile(devices); err != nil {
			// The event is stored; the sends are retried at the next resync.
			h.Logger.Printf("reconcile after %s: %v", ev.Topic, err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"stored"}`)
}

func validSignature(key string, body []byte, signature string) bool {
	given, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	return hmac.Equal(given, mac.Sum(nil))
}

// reconcile plans with the library for every device (the plan is pure and fast) and sends the actions of
// the given devices (all when nil). Caller holds h.mu.
func (h *Hook) reconcile(only []string) error {
	inventory, records := h.inventory()
	ids := make([]string, 0, len(h.policies))
	for id := range h.policies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	docs := make([]json.RawMessage, 0, len(ids))
	for _, id := range ids {
		docs = append(docs, h.policies[id])
	}
	inventoryJSON, _ := json.Marshal(inventory)
	policiesJSON, _ := json.Marshal(docs)
	stateJSON, _ := json.Marshal(h.State.planState())
	plan, err := acmepolicy.Plan(inventoryJSON, policiesJSON, stateJSON, acmepolicy.ResolveOptions{
		IdentifierPrefix: h.Render.IdentifierPrefix, ClientTokenSecret: h.Render.ClientTokenSecret})
	if err != nil {
		return err
	}
	wanted := map[string]bool{}
	for _, d := range only {
		wanted[d] = true
	}
	var firstErr error
	for _, a := range plan.Actions {
		if only != nil && !wanted[a.Device] {
			continue
		}
		if err := h.send(a, records[a.Device]); err != nil {
			h.Logger.Printf("%s %s on %s: %v", a.Action, a.Policy, a.Device, err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if err := h.State.Save(); err != nil {
			return err
		}
	}
	return firstErr
}

// send renders one action's command with the library, enqueues it, and records it in the state. A removal
// names the identifier the plan gives (what the device has), so it needs no version of the policy.
func (h *Hook) send(a acmepolicy.PlanAction, record map[string]any) error {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return err
	}
	var command []byte
	var rendered acmepolicy.RenderResult
	var err error
	requestType := "InstallProfile"
	if a.Action == "remove" {
		requestType = "RemoveProfile"
		command, rendered, err = acmepolicy.RenderRemoveCommand(acmepolicy.RemoveOptions{
			PayloadIdentifier: a.PayloadIdentifier, RandomHex: hex.EncodeToString(random)})
	} else {
		policy := h.policies[a.Policy]
		if policy == nil {
			return fmt.Errorf("policy %s is not in force; cannot render its profile", a.Policy)
		}
		opts := acmepolicy.RenderOptions{Format: "install-command", IdentifierPrefix: h.Render.IdentifierPrefix,
			ClientTokenSecret: h.Render.ClientTokenSecret, RandomHex: hex.EncodeToString(random)}
		if opts.Device, err = json.Marshal(record); err != nil {
			return err
		}
		command, rendered, err = acmepolicy.Render(policy, opts)
	}
	if err != nil {
		return err
	}
	if rendered.PayloadIdentifier != a.PayloadIdentifier {
		return fmt.Errorf("rendered identifier %s differs from the plan's %s", rendered.PayloadIdentifier, a.PayloadIdentifier)
	}
	uuid, err := commandUUID(command)
	if err != nil {
		return err
	}
	if err := h.MDM.Enqueue(a.Device, command); err != nil {
		return err
	}
	h.State.Commands[uuid] = SentCommand{Device: a.Device, Policy: a.Policy, RequestType: requestType}
	if a.Action == "remove" {
		delete(h.State.Installed[a.Device], a.Policy)
	} else {
		if h.State.Installed[a.Device] == nil {
			h.State.Installed[a.Device] = map[string]Identity{}
		}
		h.State.Installed[a.Device][a.Policy] = Identity{PayloadIdentifier: a.PayloadIdentifier, PayloadUUID: a.PayloadUUID}
	}
	h.Logger.Printf("queued %s %s for %s (%s, CommandUUID %s)", requestType, a.PayloadIdentifier, a.Device, a.Action, uuid)
	return nil
}

// commandUUID is the CommandUUID the library made (a version-4 UUID from the random bytes given to it).
func commandUUID(command []byte) (string, error) {
	plist, err := acmepolicy.ParseCheckin(command)
	if err != nil {
		return "", err
	}
	uuid, _ := plist["CommandUUID"].(string)
	if uuid == "" {
		return "", fmt.Errorf("the rendered command has no CommandUUID")
	}
	return uuid, nil
}
