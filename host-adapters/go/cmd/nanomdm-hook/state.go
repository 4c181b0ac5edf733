package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// State is everything the hook must remember between runs, in one JSON file.
type State struct {
	path string
	// Devices: what the MDM reported, keyed on NanoMDM's enrollment id.
	Devices map[string]*DeviceState `json:"devices"`
	// Installed: device -> policy -> the profile identity sent (and, once acknowledged, installed), in the
	// library's plan-state shape.
	Installed map[string]map[string]Identity `json:"installed"`
	// Commands: CommandUUID -> what it was, until the device answers.
	Commands map[string]SentCommand `json:"commands"`
	// Policies: the last valid version of each policy, used while the folder's version is invalid so a
	// broken edit never uninstalls anything.
	Policies map[string]json.RawMessage `json:"policies"`
}

// DeviceState is one enrollment as the MDM reported it.
type DeviceState struct {
	Record      map[string]any `json:"record"` // the library's device record from the check-ins
	Enrolled    bool           `json:"enrolled"`
	TokenUpdate string         `json:"token_update_at,omitempty"` // created_at of the newest TokenUpdate
	// TokenUpdateReceived is when the hook received it.
	TokenUpdateReceived time.Time `json:"token_update_received,omitempty"`
}

// Identity is a profile's top-level PayloadIdentifier and PayloadUUID.
type Identity struct {
	PayloadIdentifier string `json:"payload_identifier"`
	PayloadUUID       string `json:"payload_uuid"`
	Acknowledged      bool   `json:"acknowledged,omitempty"`
}

// SentCommand is a command waiting for the device's answer.
type SentCommand struct {
	Device      string `json:"device"`
	Policy      string `json:"policy"`
	RequestType string `json:"request_type"`
}

// LoadState reads the state file, or starts empty when it does not exist.
func LoadState(path string) (*State, error) {
	s := &State{path: path}
	raw, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if err == nil {
		if err := json.Unmarshal(raw, s); err != nil {
			return nil, err
		}
	}
	if s.Devices == nil {
		s.Devices = map[string]*DeviceState{}
	}
	if s.Installed == nil {
		s.Installed = map[string]map[string]Identity{}
	}
	if s.Commands == nil {
		s.Commands = map[string]SentCommand{}
	}
	if s.Policies == nil {
		s.Policies = map[string]json.RawMessage{}
	}
	return s, nil
}

// Save writes the state durably: a temporary file, fsync, rename, fsync of the folder.
func (s *State) Save() error {
	raw, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return err
	}
	if dir, err := os.Open(filepath.Dir(s.path)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}

// planState is the library's plan state: device -> policy -> identity.
func (s *State) planState() map[string]any {
	devices := map[string]any{}
	for d, policies := range s.Installed {
		m := map[string]any{}
		for p, id := range policies {
			m[p] = map[string]string{"payload_identifier": id.PayloadIdentifier, "payload_uuid": id.PayloadUUID}
		}
		devices[d] = m
	}
	return map[string]any{"devices": devices}
}
