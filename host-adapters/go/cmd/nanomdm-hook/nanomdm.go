package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// NanoMDM is the client of NanoMDM's enqueue API.
type NanoMDM struct {
	URL    string
	APIKey string
	Client *http.Client
}

// Enqueue queues a raw command plist for one enrollment (PUT /v1/enqueue/{id}). NanoMDM stores the command
// even when it cannot push (no APNs certificate): an answer of 500 whose only complaint is push_error counts
// as queued, since the device gets the command at its next check-in.
func (n *NanoMDM) Enqueue(id string, command []byte) error {
	req, err := http.NewRequest(http.MethodPut, strings.TrimRight(n.URL, "/")+"/v1/enqueue/"+url.PathEscape(id), bytes.NewReader(command))
	if err != nil {
		return err
	}
	req.SetBasicAuth("nanomdm", n.APIKey)
	resp, err := n.Client.Do(req)
	if err != nil {
		return fmt.Errorf("enqueue for %s: %w", id, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var result struct {
		PushError    string `json:"push_error"`
		CommandError string `json:"command_error"`
	}
	if json.Unmarshal(body, &result) == nil && result.CommandError == "" && result.PushError != "" {
		return nil
	}
	return fmt.Errorf("enqueue for %s: HTTP %d: %s", id, resp.StatusCode, bytes.TrimSpace(body))
}
