package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"

	"acmepolicy.dev/go/acmepolicy"
)

// Event is the part of a NanoMDM (MicroMDM-compatible) webhook event this hook reads: see NanoMDM's
// service/webhook/event.json.
type Event struct {
	Topic        string        `json:"topic"`
	EventID      string        `json:"event_id"`
	CreatedAt    string        `json:"created_at"`
	CheckinEvent *CheckinEvent `json:"checkin_event"`
}

// CheckinEvent carries the device's check-in message, a base64 XML plist.
type CheckinEvent struct {
	UDID         string `json:"udid"`
	EnrollmentID string `json:"enrollment_id"`
	RawPayload   string `json:"raw_payload"`
	IDs          *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"ids"`
}

// Enqueue is what the hook would send to NanoMDM: the raw command plist for PUT /v1/enqueue/{id}.
type Enqueue struct {
	EnrollmentID string `json:"enrollment_id"`
	Path         string `json:"path"`
	CommandUUID  string `json:"command_uuid"`
	Command      string `json:"command"`
}

// Hook turns Authenticate and TokenUpdate check-ins into the InstallProfile command of one ACME policy.
// It is an http.Handler for NanoMDM's -webhook-url. It only prints what it would enqueue (to Out), so it
// can be tried against a real NanoMDM without side effects; a real server would PUT Enqueue.Command to
// Enqueue.Path with Basic auth nanomdm:<API key>.
type Hook struct {
	Policy            []byte      // the policy document (JSON)
	IdentifierPrefix  string      // PayloadIdentifier prefix, e.g. "com.example.acme"
	ClientTokenSecret string      // optional: lets the ACME server check the device's client_token
	Out               io.Writer   // where the commands are printed
	Random            io.Reader   // random bytes for CommandUUIDs; crypto/rand when nil
	mu                sync.Mutex  // serialises writes to Out
	Logger            *log.Logger // optional diagnostics log
}

const maxEventBytes = 1 << 20

func (h *Hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "webhook events are POSTed", http.StatusMethodNotAllowed)
		return
	}
	var ev Event
	if err := json.NewDecoder(io.LimitReader(r.Body, maxEventBytes)).Decode(&ev); err != nil {
		http.Error(w, "not a webhook event: "+err.Error(), http.StatusBadRequest)
		return
	}
	if ev.Topic != "mdm.Authenticate" && ev.Topic != "mdm.TokenUpdate" || ev.CheckinEvent == nil {
		w.WriteHeader(http.StatusNoContent) // not a check-in this hook acts on
		return
	}
	enqueue, status, err := h.handleCheckin(ev.CheckinEvent)
	if err != nil {
		h.logf("event %s (%s): %v", ev.EventID, ev.Topic, err)
		http.Error(w, err.Error(), status)
		return
	}
	h.mu.Lock()
	fmt.Fprintf(h.Out, "PUT %s (CommandUUID %s)\n%s\n", enqueue.Path, enqueue.CommandUUID, enqueue.Command)
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(enqueue)
}

func (h *Hook) handleCheckin(ev *CheckinEvent) (Enqueue, int, error) {
	plist, err := base64.StdEncoding.DecodeString(ev.RawPayload)
	if err != nil {
		return Enqueue{}, http.StatusBadRequest, fmt.Errorf("raw_payload is not base64: %w", err)
	}
	checkin, err := acmepolicy.ParseCheckin(plist)
	if err != nil {
		return Enqueue{}, http.StatusBadRequest, fmt.Errorf("check-in message: %w", err)
	}
	device := deviceRecord(ev, checkin)
	deviceJSON, err := json.Marshal(device)
	if err != nil {
		return Enqueue{}, http.StatusInternalServerError, err
	}
	random := make([]byte, 16)
	source := h.Random
	if source == nil {
		source = rand.Reader
	}
	if _, err := io.ReadFull(source, random); err != nil {
		return Enqueue{}, http.StatusInternalServerError, err
	}
	// The host supplies the CommandUUID (the core takes no randomness of its own): a random UUID v4.
	random[6] = random[6]&0x0f | 0x40
	random[8] = random[8]&0x3f | 0x80
	h16 := strings.ToUpper(hex.EncodeToString(random))
	commandUUID := h16[0:8] + "-" + h16[8:12] + "-" + h16[12:16] + "-" + h16[16:20] + "-" + h16[20:32]
	command, _, err := acmepolicy.Render(h.Policy, acmepolicy.RenderOptions{
		Format:            "install-command",
		Device:            deviceJSON,
		IdentifierPrefix:  h.IdentifierPrefix,
		ClientTokenSecret: h.ClientTokenSecret,
		CommandUUID:       commandUUID,
	})
	if err != nil {
		return Enqueue{}, http.StatusUnprocessableEntity, fmt.Errorf("rendering InstallProfile for %s: %w", device["id"], err)
	}
	id := device["id"].(string)
	return Enqueue{EnrollmentID: id, Path: "/v1/enqueue/" + id, CommandUUID: commandUUID, Command: string(command)}, 0, nil
}

// deviceRecord builds acmepolicy's device record from the check-in message (and the NanoMDM enrollment id).
func deviceRecord(ev *CheckinEvent, checkin map[string]any) map[string]any {
	text := func(key string) string {
		s, _ := checkin[key].(string)
		return s
	}
	id := ev.UDID
	if ev.IDs != nil && ev.IDs.ID != "" {
		id = ev.IDs.ID
	}
	if id == "" {
		id = text("UDID")
	}
	record := map[string]any{"id": id}
	set := func(field, value string) {
		if value != "" {
			record[field] = value
		}
	}
	set("udid", text("UDID"))
	set("serial_number", text("SerialNumber"))
	set("enrollment_id", text("EnrollmentID"))
	set("device_name", text("DeviceName"))
	set("os_version", text("OSVersion"))
	product := text("ProductName")
	set("product_name", product)
	switch {
	case strings.HasPrefix(product, "iPhone"), strings.HasPrefix(product, "iPod"):
		record["platform"] = "iOS"
	case strings.HasPrefix(product, "iPad"):
		record["platform"] = "iPadOS"
	case strings.HasPrefix(product, "AppleTV"):
		record["platform"] = "tvOS"
	case strings.HasPrefix(product, "Watch"):
		record["platform"] = "watchOS"
	case strings.HasPrefix(product, "RealityDevice"):
		record["platform"] = "visionOS"
	case product != "":
		record["platform"] = "macOS"
	}
	return record
}

func (h *Hook) logf(format string, args ...any) {
	if h.Logger != nil {
		h.Logger.Printf(format, args...)
	}
}
