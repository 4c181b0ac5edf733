// Package device simulates an iPhone or iPad enrolled in NanoMDM, as close to Apple's documented behaviour
// as the public documentation allows: it checks in (Authenticate, TokenUpdate, CheckOut), polls its command
// queue as a device woken by a push does, and answers the commands an ACME profile's life needs
// (InstallProfile with a real ACME enrollment, RemoveProfile, ProfileList, CertificateList,
// DeviceInformation). Everything else gets CommandFormatError, as a real device answers unknown requests.
package device

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/micromdm/plist"

	"acmepolicy.dev/interop/harness"
)

// Config describes the simulated hardware and its enrollment.
type Config struct {
	Serial       string // empty for User Enrollment (the device never reveals it there)
	UDID         string // empty for User Enrollment
	EnrollmentID string // User Enrollment only: the pseudonymous device id
	ProductName  string // e.g. "iPhone15,2"
	OSVersion    string // e.g. "17.5"
	BuildVersion string
	DeviceName   string
	CanAttest    bool // the SoC supports ACME attestation (A11 and later)
	MDMURL       string
	MDMRoots     []*x509.Certificate // roots for an https MDMURL (and the declarative asset URLs)
	ACMERoots    []*x509.Certificate // roots the ACME client trusts (besides roots installed by profiles)
	AttestCA     *harness.CA         // stands in for Apple's attestation CA: signs the attestation chain
	DeviceCA     *harness.CA         // issues the device's MDM identity certificate
	// Answer, when set, may override the status of a command result ("" keeps the real outcome):
	// "NotNow" or "Error", as a scenario asks.
	Answer func(requestType string) string
}

// Identity is a certificate the device obtained for one ACME payload, with its private key.
type Identity struct {
	PayloadUUID string
	Cert        *x509.Certificate
	Chain       []*x509.Certificate
	Key         crypto.Signer
}

// Profile is an installed configuration profile.
type Profile struct {
	Identifier string
	UUID       string
	Signed     bool
	Signer     *x509.Certificate
	Identities []Identity
	Roots      []*x509.Certificate // certificates installed by com.apple.security.root / pem payloads
}

// Command is one command the device received and how it answered.
type Command struct {
	UUID        string
	RequestType string
	Identifier  string // InstallProfile: the profile's PayloadIdentifier; RemoveProfile: Identifier
	Status      string // Acknowledged, Error, NotNow, CommandFormatError
	Error       string // what went wrong, when Status is Error
	At          time.Time
}

// Device is one simulated device.
type Device struct {
	cfg      Config
	t        testing.TB
	idCert   *x509.Certificate
	idHeader string
	http     *http.Client

	mu        sync.Mutex
	profiles  map[string]*Profile // by PayloadIdentifier
	commands  []Command
	stop      chan struct{}
	stopped   chan struct{}
	attestSub *harness.CA
	clientIDs map[string]string // PayloadIdentifier -> ClientIdentifier last received

	syncPending bool                    // a DeclarativeManagement command asked for a sync
	declared    map[string]*declaration // declarations held, by Identifier
	dmIdentity  map[string]*Identity    // identities from declarations, by configuration Identifier
}

// New makes the device and its MDM identity certificate (issued by the scenario's device CA).
func New(t testing.TB, cfg Config) *Device {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cn := cfg.UDID
	if cn == "" {
		cn = cfg.EnrollmentID
	}
	cert, err := cfg.DeviceCA.Issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, key.Public())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	for _, r := range cfg.MDMRoots {
		pool.AddCert(r)
	}
	d := &Device{cfg: cfg, t: t, idCert: cert, profiles: map[string]*Profile{}, clientIDs: map[string]string{},
		declared: map[string]*declaration{}, dmIdentity: map[string]*Identity{},
		http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	d.idHeader = url.QueryEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
	t.Cleanup(d.StopPolling)
	return d
}

// ID is the id NanoMDM keys this enrollment on: the UDID, or the EnrollmentID of a User Enrollment.
func (d *Device) ID() string {
	if d.cfg.UDID != "" {
		return d.cfg.UDID
	}
	return d.cfg.EnrollmentID
}

// Config is the device's description.
func (d *Device) Config() Config { return d.cfg }

func (d *Device) channelKeys(m map[string]any) map[string]any {
	if d.cfg.UDID != "" {
		m["UDID"] = d.cfg.UDID
	} else {
		m["EnrollmentID"] = d.cfg.EnrollmentID
	}
	return m
}

// Enroll sends Authenticate then TokenUpdate, as a device does when its MDM profile is installed.
func (d *Device) Enroll() {
	d.t.Helper()
	auth := d.channelKeys(map[string]any{
		"MessageType": "Authenticate",
		"Topic":       "com.apple.mgmt.External.interop",
		"OSVersion":   d.cfg.OSVersion, "BuildVersion": d.cfg.BuildVersion,
		"ProductName": d.cfg.ProductName, "Model": d.cfg.ProductName, "ModelName": modelName(d.cfg.ProductName),
		"DeviceName": d.cfg.DeviceName,
	})
	if d.cfg.Serial != "" {
		auth["SerialNumber"] = d.cfg.Serial
	}
	d.checkin(auth)
	d.checkin(d.channelKeys(map[string]any{
		"MessageType": "TokenUpdate",
		"Topic":       "com.apple.mgmt.External.interop",
		"Token":       []byte("interop-push-token-" + d.ID()),
		"PushMagic":   "interop-push-magic",
	}))
}

// CheckOut tells the MDM the device left it (the MDM profile was removed).
func (d *Device) CheckOut() {
	d.t.Helper()
	d.checkin(d.channelKeys(map[string]any{"MessageType": "CheckOut", "Topic": "com.apple.mgmt.External.interop"}))
}

func (d *Device) checkin(msg map[string]any) {
	d.t.Helper()
	body, err := plist.Marshal(msg)
	if err != nil {
		d.t.Fatal(err)
	}
	status, answer := d.put("application/x-apple-aspen-mdm-checkin", body)
	if status != http.StatusOK {
		d.t.Fatalf("check-in %v: HTTP %d: %s", msg["MessageType"], status, answer)
	}
}

func (d *Device) put(contentType string, body []byte) (int, []byte) {
	req, err := http.NewRequest(http.MethodPut, d.cfg.MDMURL, bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(harness.ClientCertHeader, d.idHeader) // what a TLS client certificate proves to NanoMDM
	resp, err := d.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// Poll connects once as a woken device does: reports Idle, then runs every command NanoMDM hands out until
// the queue is empty (or a command is answered NotNow, after which NanoMDM holds the rest back).
func (d *Device) Poll() error {
	report := d.channelKeys(map[string]any{"Status": "Idle"})
	for {
		body, err := plist.Marshal(report)
		if err != nil {
			return err
		}
		status, answer := d.put("application/x-apple-aspen-mdm", body)
		if status != http.StatusOK {
			return fmt.Errorf("command report: HTTP %d: %s", status, answer)
		}
		if len(bytes.TrimSpace(answer)) == 0 {
			d.mu.Lock()
			sync := d.syncPending
			d.syncPending = false
			d.mu.Unlock()
			if sync {
				return d.SyncDeclarations()
			}
			return nil
		}
		var cmd commandPlist
		if err := plist.Unmarshal(answer, &cmd); err != nil {
			return fmt.Errorf("command from NanoMDM is not a plist: %v", err)
		}
		report = d.run(&cmd)
		if report["Status"] == "NotNow" {
			// A device that answered NotNow comes back later; the MDM keeps the command queued.
			body, _ := plist.Marshal(report)
			d.put("application/x-apple-aspen-mdm", body)
			return nil
		}
	}
}

// StartPolling polls every interval in the background until StopPolling (or the end of the test), the way
// a device answering pushes would; connection errors are retried (a restarting NanoMDM is not fatal).
func (d *Device) StartPolling(interval time.Duration) {
	d.mu.Lock()
	if d.stop != nil {
		d.mu.Unlock()
		return
	}
	d.stop, d.stopped = make(chan struct{}), make(chan struct{})
	stop, stopped := d.stop, d.stopped
	d.mu.Unlock()
	go func() {
		defer close(stopped)
		for {
			if err := d.Poll(); err != nil {
				d.t.Logf("device %s: poll: %v (retrying)", d.ID(), err)
			}
			select {
			case <-stop:
				return
			case <-time.After(interval):
			}
		}
	}()
}

// StopPolling stops the background polling and waits for the current poll to end.
func (d *Device) StopPolling() {
	d.mu.Lock()
	stop, stopped := d.stop, d.stopped
	d.stop, d.stopped = nil, nil
	d.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
}

// Profiles is a snapshot of the installed profiles, by PayloadIdentifier.
func (d *Device) Profiles() map[string]Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]Profile{}
	for k, v := range d.profiles {
		out[k] = *v
	}
	return out
}

// Commands is a snapshot of every command received, in order.
func (d *Device) Commands() []Command {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Command(nil), d.commands...)
}

func modelName(product string) string {
	if len(product) >= 4 && product[:4] == "iPad" {
		return "iPad"
	}
	return "iPhone"
}

// attestationSubCA is this device's stand-in for Apple's attestation intermediate, made on first use.
func (d *Device) attestationSubCA() (*harness.CA, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.attestSub == nil {
		sub, err := d.cfg.AttestCA.IssueIntermediate("interop Enterprise Attestation Sub CA (test)")
		if err != nil {
			return nil, err
		}
		d.attestSub = sub
	}
	return d.attestSub, nil
}
