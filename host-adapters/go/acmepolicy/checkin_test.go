package acmepolicy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDeviceFromCheckinMapsTheAuthenticate(t *testing.T) {
	r, err := DeviceFromCheckin(read(t, "checkin-authenticate.plist"), CheckinOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var device map[string]any
	if err := json.Unmarshal(r.Device, &device); err != nil {
		t.Fatal(err)
	}
	if r.MessageType != "Authenticate" || device["platform"] != "macOS" || device["serial_number"] != "C02MT66KFLHH" ||
		device["id"] != "66ADE930-5FDF-5EC4-8429-15640684C489" || device["enrollment"] != "device" || r.UserChannel {
		t.Fatalf("%+v %v", r, device)
	}
	_, err = DeviceFromCheckin([]byte("<plist><array/></plist>"), CheckinOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidInput || len(e.Diagnostics) == 0 || e.Diagnostics[0].Code != "checkin.not_dict" {
		t.Fatalf("not a dictionary: %v", err)
	}
}

func TestRenderRemoveCommandByIdentifier(t *testing.T) {
	command, r, err := RenderRemoveCommand(RemoveOptions{PayloadIdentifier: "com.example.acme.p1", CommandUUID: "C-1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.PayloadIdentifier != "com.example.acme.p1" || r.Format != "remove-command" ||
		!strings.Contains(string(command), "<string>RemoveProfile</string>") {
		t.Fatalf("%+v %s", r, command)
	}
	if _, _, err := RenderRemoveCommand(RemoveOptions{CommandUUID: "C-1"}); err == nil {
		t.Fatal("neither an identifier nor a policy id: accepted")
	}
}

func TestPolicyTargets(t *testing.T) {
	targets, err := PolicyTargets([]byte(`{"id": "p", "name": "P", "targets": {"device_groups": ["g"], "devices": ["d"]},
		"fallback": {"policy": "q", "when": ["os_too_old"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if targets.ID != "p" || len(targets.Targets.DeviceGroups) != 1 || targets.Targets.Devices[0] != "d" ||
		targets.Fallback == nil || targets.Fallback.Policy != "q" {
		t.Fatalf("%+v", targets)
	}
	if _, err := PolicyTargets([]byte(`{"id": "p", "id": "q"}`)); err == nil {
		t.Fatal("duplicate key accepted")
	}
}
