package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"acmepolicy.dev/go/acmepolicy"
)

// lateAuthenticateWindow: enrolling again (removing the MDM profile, installing it anew) takes far longer.
const lateAuthenticateWindow = 3 * time.Second

// Event is the part of a NanoMDM webhook event the hook reads (NanoMDM's service/webhook/event.json).
type Event struct {
	Topic            string      `json:"topic"`
	EventID          string      `json:"event_id"`
	CreatedAt        string      `json:"created_at"`
	CheckinEvent     *EventInner `json:"checkin_event"`
	AcknowledgeEvent *EventInner `json:"acknowledge_event"`
}

// EventInner carries the device's message, a base64 XML plist, and NanoMDM's ids for the enrollment.
type EventInner struct {
	UDID         string `json:"udid"`
	EnrollmentID string `json:"enrollment_id"`
	Status       string `json:"status"`
	CommandUUID  string `json:"command_uuid"`
	RawPayload   string `json:"raw_payload"`
	IDs          *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"ids"`
}

// apply changes the state for one event and returns the devices to reconcile. Caller holds h.mu.
func (h *Hook) apply(ev *Event) ([]string, error) {
	inner := ev.CheckinEvent
	if inner == nil {
		inner = ev.AcknowledgeEvent
	}
	if inner == nil {
		return nil, nil // an event this hook has no use for
	}
	if inner.IDs != nil && inner.IDs.Type != "" && inner.IDs.Type != "Device" && inner.IDs.Type != "User Enrollment (Device)" {
		return nil, nil // user channels: profiles go to the device channel
	}
	var message map[string]any
	var raw []byte
	if inner.RawPayload != "" {
		var err error
		if raw, err = base64.StdEncoding.DecodeString(inner.RawPayload); err != nil {
			return nil, fmt.Errorf("raw_payload is not base64: %w", err)
		}
		if message, err = acmepolicy.ParseCheckin(raw); err != nil {
			return nil, fmt.Errorf("device message: %w", err)
		}
	}
	id := enrollmentID(inner, message)
	if id == "" {
		return nil, fmt.Errorf("the event names no enrollment")
	}
	switch ev.Topic {
	case "mdm.Authenticate":
		dev := h.device(id)
		// NanoMDM stamps and posts events from goroutines, so this Authenticate may be the one that preceded
		// the TokenUpdate already seen: stamped earlier, or arriving moments after it.
		late := dev.Enrolled && (!earlier(dev.TokenUpdate, ev.CreatedAt) || time.Since(dev.TokenUpdateReceived) < lateAuthenticateWindow)
		if err := mergeFacts(dev, inner, raw, "Authenticate"); err != nil {
			return nil, err
		}
		if late {
			// NanoMDM posts events from goroutines: this Authenticate preceded the TokenUpdate already seen.
			return []string{id}, nil
		}
		dev.Enrolled = false // a new enrollment: the previous one's profiles went with it
		delete(h.State.Installed, id)
		return nil, nil
	case "mdm.TokenUpdate":
		dev := h.device(id)
		if err := mergeFacts(dev, inner, raw, "TokenUpdate"); err != nil {
			return nil, err
		}
		dev.Enrolled, dev.TokenUpdate, dev.TokenUpdateReceived = true, ev.CreatedAt, time.Now()
		return []string{id}, nil
	case "mdm.CheckOut":
		if dev := h.State.Devices[id]; dev != nil {
			dev.Enrolled = false
		}
		delete(h.State.Installed, id)
		for uuid, c := range h.State.Commands {
			if c.Device == id {
				delete(h.State.Commands, uuid)
			}
		}
		return nil, nil
	case "mdm.Connect":
		uuid, status := inner.CommandUUID, inner.Status
		if uuid == "" {
			uuid, _ = message["CommandUUID"].(string)
			status, _ = message["Status"].(string)
		}
		c, ok := h.State.Commands[uuid]
		if !ok || status == "Idle" || status == "NotNow" {
			return nil, nil
		}
		delete(h.State.Commands, uuid)
		installed, has := h.State.Installed[c.Device][c.Policy]
		switch {
		case c.RequestType == "InstallProfile" && status == "Acknowledged" && has:
			installed.Acknowledged = true
			h.State.Installed[c.Device][c.Policy] = installed
		case c.RequestType == "InstallProfile" && has:
			// The device refused it: forget the send so the next resync tries again.
			h.Logger.Printf("device %s answered %s to InstallProfile %s (%s)", c.Device, status, uuid, c.Policy)
			delete(h.State.Installed[c.Device], c.Policy)
		}
		return nil, nil
	}
	return nil, nil
}

func (h *Hook) device(id string) *DeviceState {
	dev := h.State.Devices[id]
	if dev == nil {
		dev = &DeviceState{Record: map[string]any{"id": id}}
		h.State.Devices[id] = dev
	}
	return dev
}

// earlier reports whether RFC 3339 time a is before b (false when either is missing or malformed).
func earlier(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	return errA == nil && errB == nil && ta.Before(tb)
}

func enrollmentID(inner *EventInner, message map[string]any) string {
	if inner.IDs != nil && inner.IDs.ID != "" {
		return inner.IDs.ID
	}
	for _, v := range []any{inner.UDID, inner.EnrollmentID, message["UDID"], message["EnrollmentID"]} {
		if s, _ := v.(string); s != "" {
			return s
		}
	}
	return ""
}

// bareCheckin is a check-in without facts, for an event that carries no message: the record still gets its
// enrollment by the library's rule.
const bareCheckin = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>MessageType</key><string>%s</string></dict></plist>`

// mergeFacts updates the device record from a check-in message with the library's mapping
// (acmepolicy.DeviceFromCheckin: the same rules as acmepolicy serve).
func mergeFacts(dev *DeviceState, inner *EventInner, raw []byte, messageType string) error {
	if len(raw) == 0 {
		raw = []byte(fmt.Sprintf(bareCheckin, messageType))
	}
	current, err := json.Marshal(dev.Record)
	if err != nil {
		return err
	}
	opts := acmepolicy.CheckinOptions{Device: current}
	if inner.IDs != nil {
		opts.EnrollmentType = inner.IDs.Type
	}
	mapped, err := acmepolicy.DeviceFromCheckin(raw, opts)
	if err != nil {
		return fmt.Errorf("device message: %w", err)
	}
	record := map[string]any{}
	if err := json.Unmarshal(mapped.Device, &record); err != nil {
		return err
	}
	dev.Record = record
	return nil
}

// inventory is the library's inventory of every known enrollment: the MDM's facts, overlaid with the
// folder's facts for the same device (matched by id, serial number or UDID), with group members named by
// any of those mapped to enrollment ids. Unenrolled devices are listed with enrollment "none". It also
// returns each device's record by id. Caller holds h.mu.
func (h *Hook) inventory() (map[string]any, map[string]map[string]any) {
	records := map[string]map[string]any{}
	aliases := map[string][]string{} // id, serial or UDID -> enrollment ids
	devices := []map[string]any{}
	for id, dev := range h.State.Devices {
		record := map[string]any{}
		for k, v := range dev.Record {
			record[k] = v
		}
		for _, facts := range h.config.Devices {
			if matches(facts, record) {
				for k, v := range facts {
					if k != "id" && k != "udid" && k != "serial_number" && k != "enrollment_id" {
						record[k] = v
					}
				}
			}
		}
		if facts := record["enrollment"]; facts == "ade" && dev.Record["enrollment"] == "user" {
			record["enrollment"] = "user" // a User Enrollment is never automated device enrollment
		}
		if !dev.Enrolled {
			record["enrollment"] = "none"
		}
		record["id"] = id
		records[id] = record
		devices = append(devices, record)
		for _, key := range []string{"id", "serial_number", "udid"} {
			if s, _ := record[key].(string); s != "" {
				aliases[s] = append(aliases[s], id)
			}
		}
	}
	groups := []map[string]any{}
	for _, g := range h.config.Groups {
		members := []string{}
		seen := map[string]bool{}
		for _, m := range g.Devices {
			targets := aliases[m]
			if len(targets) == 0 {
				targets = []string{m}
			}
			for _, t := range targets {
				if !seen[t] {
					seen[t] = true
					members = append(members, t)
				}
			}
		}
		group := map[string]any{"id": g.ID, "devices": members}
		if g.Name != "" {
			group["name"] = g.Name
		}
		groups = append(groups, group)
	}
	return map[string]any{"devices": devices, "groups": groups}, records
}

func matches(facts, record map[string]any) bool {
	for _, key := range []string{"id", "serial_number", "udid"} {
		f, _ := facts[key].(string)
		if f == "" {
			continue
		}
		for _, k := range []string{"id", "serial_number", "udid"} {
			if r, _ := record[k].(string); r == f {
				return true
			}
		}
	}
	return false
}
