package interop

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// pollInterval is how often a simulated device checks its queue (a real one does when pushed; NanoMDM
// here has no APNs certificate, so devices poll).
const pollInterval = 300 * time.Millisecond

// settle is how long a scenario waits for something to happen through all three servers.
const settle = 60 * time.Second

// stepCAPolicy is a policy for step-ca's device-attest-01 provisioner: the attested serial number is the
// client identifier and the certificate's CN; the step-ca root travels in the profile.
func stepCAPolicy(s *harness.Stack, id string, groups ...string) map[string]any {
	return map[string]any{
		"schema_version": 1,
		"id":             id,
		"name":           "Interop " + id,
		"server_profile": "step-ca",
		"payload": map[string]any{
			"DirectoryURL":     s.StepCA.DirectoryURL,
			"ClientIdentifier": "{{serial_number}}",
			"KeyType":          "ECSECPrimeRandom",
			"KeySize":          256,
			"HardwareBound":    true,
			"Attest":           true,
			"Subject":          [][][]string{{{"CN", "{{serial_number}}"}}},
		},
		"ca_certificates": []string{string(harness.CertPEM(s.StepCA.Root.Cert))},
		"targets":         map[string]any{"device_groups": groups, "devices": []string{}},
	}
}

// phone is an iPhone 14 Pro (iPhone15,2: A16, attestation capable) on iOS 17.5, device enrollment.
func phone(s *harness.Stack, serial string) device.Config {
	return device.Config{
		Serial: serial, UDID: device.PseudoUDID(serial), ProductName: "iPhone15,2",
		OSVersion: "17.5", BuildVersion: "21F79", DeviceName: "iPhone " + serial, CanAttest: true,
		MDMURL: s.NanoMDM.URL + "/mdm", AttestCA: s.AttestCA, DeviceCA: s.DeviceCA,
	}
}

func putGroup(t *testing.T, s *harness.Stack, id string, members ...string) {
	t.Helper()
	if members == nil {
		members = []string{}
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodPut, "/api/v1/groups/"+id,
		map[string]any{"id": id, "name": id, "devices": members}, nil)
}

func createPolicy(t *testing.T, s *harness.Stack, doc map[string]any) {
	t.Helper()
	s.Acmepolicy.MustDo(t, http.StatusCreated, http.MethodPost, "/api/v1/policies", doc, nil)
}

func waitStatus(t *testing.T, s *harness.Stack, dev, policy, want string) harness.AssignmentStatus {
	t.Helper()
	var got harness.AssignmentStatus
	harness.Eventually(t, settle, fmt.Sprintf("%s on %s to be %s", policy, dev, want), func() bool {
		got = s.Acmepolicy.DeviceStatus(t, dev)[policy]
		return got.Status == want
	})
	return got
}

// profileIdentifier is the PayloadIdentifier acmepolicy gives a policy's profile (prefix set by the harness).
func profileIdentifier(policy string) string { return "com.example.interop." + policy }

// installCount counts the InstallProfile commands a device received for one profile.
func installCount(d *device.Device, identifier string) int {
	n := 0
	for _, c := range d.Commands() {
		if c.RequestType == "InstallProfile" && c.Identifier == identifier {
			n++
		}
	}
	return n
}

// assertIssued checks that the identity is a real step-ca certificate for this device: it chains to the
// scenario's step-ca root, its CN and permanent identifier are the serial number, and its key is the key the
// device generated for the payload.
func assertIssued(t *testing.T, s *harness.Stack, id device.Identity, serial string, keyBits int) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(s.StepCA.Root.Cert)
	inter := x509.NewCertPool()
	for _, c := range id.Chain {
		inter.AddCert(c)
	}
	if _, err := id.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Fatalf("issued certificate does not chain to step-ca's root: %v", err)
	}
	if id.Cert.Subject.CommonName != serial {
		t.Errorf("certificate CN = %q, want the serial number %q", id.Cert.Subject.CommonName, serial)
	}
	if !hasPermanentIdentifier(id.Cert, serial) {
		t.Errorf("certificate lacks the permanent identifier %q in its SubjectAltName", serial)
	}
	pub, ok := id.Key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(id.Cert.PublicKey) {
		t.Errorf("certificate key is not the key the device generated")
	}
	if got := publicKeyBits(id.Cert); got != keyBits {
		t.Errorf("certificate key is %d bits, want %d (the policy's KeySize)", got, keyBits)
	}
	if time.Until(id.Cert.NotAfter) <= 0 {
		t.Errorf("certificate already expired at %v", id.Cert.NotAfter)
	}
}

func pemOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// assertLogged fails unless one line of the server's log contains every fragment.
func assertLogged(t *testing.T, p *harness.Proc, fragments ...string) {
	t.Helper()
	harness.Eventually(t, 10*time.Second, "log line with "+strings.Join(fragments, " and "), func() bool {
		for _, line := range strings.Split(p.Log(), "\n") {
			all := true
			for _, f := range fragments {
				all = all && strings.Contains(line, f)
			}
			if all {
				return true
			}
		}
		return false
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// installedPhone enrolls an iPhone in group g-sales, targeted by the step-ca policy `policy` (returned for
// later edits), and waits until acmepolicy reports the profile installed.
func installedPhone(t *testing.T, s *harness.Stack, serial, policyID string) (*device.Device, map[string]any) {
	t.Helper()
	iphone := device.New(t, phone(s, serial))
	putGroup(t, s, "g-sales", iphone.ID())
	policy := stepCAPolicy(s, policyID, "g-sales")
	createPolicy(t, s, policy)
	iphone.Enroll()
	iphone.StartPolling(pollInterval)
	waitStatus(t, s, iphone.ID(), policyID, "installed")
	return iphone, policy
}
