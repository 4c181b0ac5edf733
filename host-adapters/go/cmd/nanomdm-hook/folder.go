package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Folder is the operator's configuration folder: policies/*.json and an optional inventory.json.
type Folder struct {
	Dir string
}

// Config is one reading of the folder.
type Config struct {
	Policies    map[string]json.RawMessage // policy id -> document, as written
	Groups      []Group
	Devices     []map[string]any // admin-kept device facts
	Fingerprint [32]byte         // changes whenever any file's name or content changes
}

// Group names its members by device id, serial number or UDID.
type Group struct {
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	Devices []string `json:"devices"`
}

// Read loads the folder. A policy file that is not a JSON object with a string "id" is an error naming
// the file; whether a policy is valid is the library's question (see Hook.Reload).
func (f *Folder) Read() (*Config, error) {
	c := &Config{Policies: map[string]json.RawMessage{}}
	sum := sha256.New()
	files, err := filepath.Glob(filepath.Join(f.Dir, "policies", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", filepath.Base(file), len(raw))
		sum.Write(raw)
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.ID == "" {
			return nil, fmt.Errorf("%s: a policy document needs a string \"id\" (the profile identifier derives from it)", file)
		}
		if _, dup := c.Policies[head.ID]; dup {
			return nil, fmt.Errorf("%s: policy id %q is used by another file too", file, head.ID)
		}
		c.Policies[head.ID] = raw
	}
	inventory := filepath.Join(f.Dir, "inventory.json")
	raw, err := os.ReadFile(inventory)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return nil, err
	default:
		sum.Write([]byte("inventory\x00"))
		sum.Write(raw)
		var inv struct {
			Groups  []Group          `json:"groups"`
			Devices []map[string]any `json:"devices"`
		}
		if err := json.Unmarshal(raw, &inv); err != nil {
			return nil, fmt.Errorf("%s: %v", inventory, err)
		}
		c.Groups, c.Devices = inv.Groups, inv.Devices
	}
	copy(c.Fingerprint[:], sum.Sum(nil))
	return c, nil
}
