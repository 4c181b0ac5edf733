package device

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/micromdm/plist"
	"github.com/smallstep/pkcs7"
)

// profilePlist is a configuration profile's top level (Apple: TopLevel.yaml).
type profilePlist struct {
	PayloadType       string
	PayloadIdentifier string
	PayloadUUID       string
	PayloadVersion    int
	PayloadContent    []map[string]any
}

// installProfile installs a .mobileconfig: verifies its CMS signature when signed, installs the CA
// certificates it carries, then enrolls every ACME payload. Like a device, it installs all or nothing: a
// payload that fails fails the profile, and a profile with the same PayloadIdentifier is replaced only by a
// profile that installed.
func (d *Device) installProfile(data []byte) (string, error) {
	signed := false
	var signer *x509.Certificate
	if len(data) > 0 && data[0] != '<' && !bytes.HasPrefix(data, []byte("bplist")) {
		p7, err := pkcs7.Parse(data)
		if err != nil {
			return "", fmt.Errorf("the profile is neither a plist nor CMS signed data: %v", err)
		}
		if err := p7.Verify(); err != nil {
			return "", fmt.Errorf("the profile's signature does not verify: %v", err)
		}
		signed, signer, data = true, p7.GetOnlySigner(), p7.Content
	}
	var top profilePlist
	if err := plist.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("the profile is not a valid plist: %v", err)
	}
	if top.PayloadType != "Configuration" || top.PayloadIdentifier == "" || top.PayloadUUID == "" {
		return top.PayloadIdentifier, fmt.Errorf("not a configuration profile (PayloadType %q)", top.PayloadType)
	}
	profile := &Profile{Identifier: top.PayloadIdentifier, UUID: top.PayloadUUID, Signed: signed, Signer: signer}
	for _, payload := range top.PayloadContent {
		switch payload["PayloadType"] {
		case "com.apple.security.root", "com.apple.security.pem", "com.apple.security.pkcs1":
			cert, err := payloadCertificate(payload)
			if err != nil {
				return top.PayloadIdentifier, err
			}
			profile.Roots = append(profile.Roots, cert)
		}
	}
	for _, payload := range top.PayloadContent {
		if payload["PayloadType"] != "com.apple.security.acme" {
			continue
		}
		var acme acmePayload
		if err := remarshal(payload, &acme); err != nil {
			return top.PayloadIdentifier, fmt.Errorf("ACME payload: %v", err)
		}
		d.mu.Lock()
		d.clientIDs[top.PayloadIdentifier] = acme.ClientIdentifier
		d.mu.Unlock()
		id, err := d.enroll(&acme, profile.Roots)
		if err != nil {
			return top.PayloadIdentifier, fmt.Errorf("ACME enrollment for payload %s failed: %v", acme.PayloadUUID, err)
		}
		profile.Identities = append(profile.Identities, *id)
	}
	d.mu.Lock()
	d.profiles[top.PayloadIdentifier] = profile
	d.mu.Unlock()
	return top.PayloadIdentifier, nil
}

func payloadCertificate(payload map[string]any) (*x509.Certificate, error) {
	content, _ := payload["PayloadContent"].([]byte)
	if block, _ := pem.Decode(content); block != nil {
		content = block.Bytes
	}
	cert, err := x509.ParseCertificate(content)
	if err != nil {
		return nil, fmt.Errorf("certificate payload %v: %v", payload["PayloadUUID"], err)
	}
	return cert, nil
}

// remarshal moves a decoded plist dictionary into a typed struct.
func remarshal(in map[string]any, out any) error {
	raw, err := plist.Marshal(in)
	if err != nil {
		return err
	}
	return plist.Unmarshal(raw, out)
}

// InstallProfileDirect installs a profile handed to the device outside the MDM (as a user opening a
// .mobileconfig would): a forged or copied profile, for scenarios that show what the ACME server refuses.
func (d *Device) InstallProfileDirect(data []byte) error {
	_, err := d.installProfile(data)
	return err
}

// ReceivedClientIdentifier is the ClientIdentifier of the last ACME payload received in the profile with this
// PayloadIdentifier, whether or not its installation succeeded.
func (d *Device) ReceivedClientIdentifier(identifier string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.clientIDs[identifier]
}
