package device

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/micromdm/plist"

	"acmepolicy.dev/interop/harness"
)

// declaration is one declaration as the device holds it (Apple: declarationbase.yaml).
type declaration struct {
	Type        string          `json:"Type"`
	Identifier  string          `json:"Identifier"`
	ServerToken string          `json:"ServerToken"`
	Payload     json.RawMessage `json:"Payload"`
}

// declarationItems is the declaration-items answer.
type declarationItems struct {
	Declarations map[string][]struct {
		Identifier  string `json:"Identifier"`
		ServerToken string `json:"ServerToken"`
	} `json:"Declarations"`
	DeclarationsToken string `json:"DeclarationsToken"`
}

// DeclaredIdentities is a snapshot of the identities the device holds through declarations, by
// configuration identifier.
func (d *Device) DeclaredIdentities() map[string]Identity {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]Identity{}
	for k, v := range d.dmIdentity {
		out[k] = *v
	}
	return out
}

// dmRequest sends one Declarative Management check-in (MessageType DeclarativeManagement) with the given
// Endpoint and, for status, the JSON body as Data; NanoMDM forwards it to the DM server and relays the answer.
func (d *Device) dmRequest(endpoint string, data []byte) ([]byte, error) {
	msg := d.channelKeys(map[string]any{"MessageType": "DeclarativeManagement", "Endpoint": endpoint})
	if data != nil {
		msg["Data"] = data
	}
	body, err := plist.Marshal(msg)
	if err != nil {
		return nil, err
	}
	status, answer := d.put("application/x-apple-aspen-mdm-checkin", body)
	if status != http.StatusOK {
		return nil, fmt.Errorf("declarative %s: HTTP %d: %s", endpoint, status, answer)
	}
	return answer, nil
}

// SyncDeclarations runs the device side of a declarative sync: tokens, declaration-items, the declarations
// whose ServerToken changed, the credential assets (fetched from their DataURL with MDM authentication, size
// and hash checked), an ACME enrollment per newly activated identity configuration, removal of what is no
// longer declared, and a status report.
func (d *Device) SyncDeclarations() error {
	if _, err := d.dmRequest("tokens", nil); err != nil {
		return err
	}
	raw, err := d.dmRequest("declaration-items", nil)
	if err != nil {
		return err
	}
	var items declarationItems
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("declaration-items: %v", err)
	}
	wanted := map[string]bool{}
	for group, list := range items.Declarations {
		kind := strings.TrimSuffix(strings.ToLower(group), "s")
		for _, item := range list {
			wanted[item.Identifier] = true
			d.mu.Lock()
			held := d.declared[item.Identifier]
			d.mu.Unlock()
			if held != nil && held.ServerToken == item.ServerToken {
				continue
			}
			raw, err := d.dmRequest("declaration/"+kind+"/"+item.Identifier, nil)
			if err != nil {
				return err
			}
			var decl declaration
			if err := json.Unmarshal(raw, &decl); err != nil {
				return fmt.Errorf("declaration %s: %v", item.Identifier, err)
			}
			d.mu.Lock()
			d.declared[decl.Identifier] = &decl
			d.mu.Unlock()
		}
	}
	d.mu.Lock()
	for id := range d.declared {
		if !wanted[id] {
			delete(d.declared, id) // removing the declaration removes what it installed
			delete(d.dmIdentity, id)
		}
	}
	d.mu.Unlock()
	statuses := d.applyDeclarations()
	report := map[string]any{"StatusItems": map[string]any{"management": map[string]any{
		"declarations": map[string]any{"configurations": statuses}}}, "Errors": []any{}}
	body, _ := json.Marshal(report)
	_, err = d.dmRequest("status", body)
	return err
}

// applyDeclarations activates the configurations the activations name and enrolls their identities; it
// returns the configurations' status items.
func (d *Device) applyDeclarations() []map[string]any {
	d.mu.Lock()
	decls := map[string]declaration{}
	for k, v := range d.declared {
		decls[k] = *v
	}
	d.mu.Unlock()
	var active []string
	for _, decl := range decls {
		if decl.Type != "com.apple.activation.simple" {
			continue
		}
		var p struct{ StandardConfigurations []string }
		json.Unmarshal(decl.Payload, &p)
		active = append(active, p.StandardConfigurations...)
	}
	sort.Strings(active)
	var statuses []map[string]any
	for _, id := range active {
		config, ok := decls[id]
		if !ok || config.Type != "com.apple.configuration.security.identity" {
			continue
		}
		status := map[string]any{"identifier": id, "server-token": config.ServerToken, "active": true, "valid": "valid"}
		if err := d.applyIdentity(config, decls); err != nil {
			d.t.Logf("device %s: declarative identity %s: %v", d.ID(), id, err)
			status["active"], status["valid"] = false, "invalid"
			status["reasons"] = []map[string]any{{"code": "Error.ConfigurationCannotBeApplied", "description": err.Error()}}
		}
		statuses = append(statuses, status)
	}
	return statuses
}

func (d *Device) applyIdentity(config declaration, decls map[string]declaration) error {
	var p struct{ CredentialAssetReference string }
	if err := json.Unmarshal(config.Payload, &p); err != nil {
		return err
	}
	asset, ok := decls[p.CredentialAssetReference]
	if !ok || asset.Type != "com.apple.asset.credential.acme" {
		return fmt.Errorf("asset %q is not declared", p.CredentialAssetReference)
	}
	key := config.ServerToken + "/" + asset.ServerToken
	d.mu.Lock()
	held := d.dmIdentity[config.Identifier]
	d.mu.Unlock()
	if held != nil && held.PayloadUUID == key {
		return nil // unchanged: keep the identity
	}
	credential, err := d.fetchAsset(asset)
	if err != nil {
		return err
	}
	var acme acmePayload
	if err := json.Unmarshal(credential, &acme); err != nil {
		return fmt.Errorf("credential document: %v", err)
	}
	id, err := d.enroll(&acme, nil)
	if err != nil {
		return err
	}
	id.PayloadUUID = key
	d.mu.Lock()
	d.dmIdentity[config.Identifier] = id
	d.mu.Unlock()
	return nil
}

// fetchAsset downloads a credential asset's document as a device does for Authentication Type MDM: an
// https GET with the device's MDM identity, checked against the declared Size and Hash-SHA-256.
func (d *Device) fetchAsset(asset declaration) ([]byte, error) {
	var p struct {
		Reference struct {
			DataURL string `json:"DataURL"`
			Size    int    `json:"Size"`
			Hash    string `json:"Hash-SHA-256"`
		}
		Authentication struct{ Type string }
	}
	if err := json.Unmarshal(asset.Payload, &p); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(p.Reference.DataURL, "https://") {
		return nil, fmt.Errorf("DataURL %q is not https", p.Reference.DataURL)
	}
	req, err := http.NewRequest(http.MethodGet, p.Reference.DataURL, nil)
	if err != nil {
		return nil, err
	}
	if p.Authentication.Type == "MDM" {
		req.Header.Set(harness.ClientCertHeader, d.idHeader)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("asset %s: HTTP %d: %s", p.Reference.DataURL, resp.StatusCode, body)
	}
	sum := sha256.Sum256(body)
	if len(body) != p.Reference.Size || hex.EncodeToString(sum[:]) != p.Reference.Hash {
		return nil, fmt.Errorf("asset %s: %d bytes with hash %x, declared %d and %s", p.Reference.DataURL,
			len(body), sum, p.Reference.Size, p.Reference.Hash)
	}
	return body, nil
}
