package interop

import (
	"crypto/x509"
	"net/http"
	"testing"
	"time"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 9: renewal before expiry. step-ca issues certificates valid for two minutes; the policy's
// `renewal` override and small lifecycle options scale the renewal window down (renew when less than half
// the validity remains, CertificateList every ~15 s, no jitter). Over a bounded run the device gets its
// profile again with a new PayloadUUID before each expiry, runs a fresh ACME order each time, and never
// holds an expired certificate. The number of renewals and the smallest remaining validity at renewal are
// printed and asserted.
func TestScenario9Renewal(t *testing.T) {
	const validity = 2 * time.Minute
	const run = 190 * time.Second
	s := harness.NewStack(t, harness.StackOptions{
		CertDuration: validity,
		IssuerChain:  true,
		ServeArgs: []string{
			"--inventory-interval-hours", "0.004", // ~14 s, jittered by ±10 %
			"--renewal-min-interval-hours", "0.005", // 18 s
			"--renewal-spread-hours", "0",
			"--renewal-timeout-hours", "0.02", // 72 s
		},
	})
	serial := "F2LXK9RENEW1"
	iphone := phoneWithRenewal(t, s, serial)
	identifier := profileIdentifier("corp-acme")

	type seen struct {
		cert       *x509.Certificate
		firstSeen  time.Time
		payloadUID string
	}
	var certs []seen
	holding := func() *x509.Certificate {
		p, ok := iphone.Profiles()[identifier]
		if !ok || len(p.Identities) != 1 {
			return nil
		}
		return p.Identities[0].Cert
	}
	deadline := time.Now().Add(run)
	for time.Now().Before(deadline) {
		now := time.Now()
		cert := holding()
		if cert == nil {
			t.Fatalf("the device holds no identity for %s", identifier)
		}
		if !now.Before(cert.NotAfter) {
			t.Fatalf("the device holds an expired certificate (serial %s, expired %s ago)", cert.SerialNumber, now.Sub(cert.NotAfter))
		}
		if len(certs) == 0 || !certs[len(certs)-1].cert.Equal(cert) {
			certs = append(certs, seen{cert: cert, firstSeen: now, payloadUID: iphone.Profiles()[identifier].UUID})
			t.Logf("certificate %d: serial %s, valid until %s (%s left)", len(certs), cert.SerialNumber,
				cert.NotAfter.Format(time.RFC3339), cert.NotAfter.Sub(now).Round(time.Second))
		}
		time.Sleep(250 * time.Millisecond)
	}

	renewals := len(certs) - 1
	smallest := time.Duration(1<<63 - 1)
	for i := 1; i < len(certs); i++ {
		// The old certificate's time left when the new one was first seen (the renewal happened no later).
		old := certs[i-1].cert
		left := old.NotAfter.Sub(certs[i].firstSeen)
		if left < smallest {
			smallest = left
		}
		// The window is half the validity as the certificate states it (step-ca backdates NotBefore by a
		// minute, so a two-minute certificate states three).
		if window := old.NotAfter.Sub(old.NotBefore) / 2; left > window {
			t.Errorf("renewal %d came with %s left, before the window of %s opened", i, left.Round(time.Second), window)
		}
		if certs[i].payloadUID == certs[i-1].payloadUID {
			t.Errorf("renewal %d kept the PayloadUUID %s; a renewal must send a new one", i, certs[i].payloadUID)
		}
		if certs[i].cert.SerialNumber.Cmp(certs[i-1].cert.SerialNumber) == 0 {
			t.Errorf("renewal %d did not bring a new certificate", i)
		}
	}
	t.Logf("renewals in %s with %s certificates: %d; smallest remaining validity at renewal: %s", run, validity,
		renewals, smallest.Round(time.Second))
	// Every certificate lives two minutes (three as stated) and is renewed once less than half its stated
	// validity remains: at least three renewals fit in the run, each before the expiry.
	if renewals < 3 {
		t.Fatalf("%d renewals in %s, want at least 3", renewals, run)
	}
	if smallest <= 0 {
		t.Fatalf("a certificate was renewed only after it expired (%s left)", smallest)
	}
	if n := installCount(iphone, identifier); n != renewals+1 {
		t.Errorf("the device received %d InstallProfile commands, want %d (install and one per renewal)", n, renewals+1)
	}
	var status struct {
		Assignments []struct {
			Policy      string `json:"policy"`
			Certificate *struct {
				NotAfter string `json:"not_after"`
				Serial   string `json:"serial"`
			} `json:"certificate"`
			Renewal *struct {
				Status     string `json:"status"`
				Generation int    `json:"generation"`
			} `json:"renewal"`
		} `json:"assignments"`
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/devices/"+iphone.ID()+"/status", nil, &status)
	if len(status.Assignments) != 1 || status.Assignments[0].Renewal == nil {
		t.Fatalf("status has no renewal state: %+v", status)
	}
	if g := status.Assignments[0].Renewal.Generation; g < renewals {
		t.Errorf("renewal generation %d, want at least %d", g, renewals)
	}
	var listed struct {
		Certificates []struct {
			Policy *string `json:"policy"`
			Serial string  `json:"serial"`
		} `json:"certificates"`
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/devices/"+iphone.ID()+"/certificates", nil, &listed)
	matched := 0
	for _, c := range listed.Certificates {
		if c.Policy != nil && *c.Policy == "corp-acme" {
			matched++
		}
	}
	if matched != 1 {
		t.Errorf("%d certificates matched to corp-acme in the device's list, want 1: %+v", matched, listed)
	}
}

// phoneWithRenewal enrolls an iPhone in a group with a step-ca policy whose renewal window is half the
// validity (the override's before_days is far above two minutes).
func phoneWithRenewal(t *testing.T, s *harness.Stack, serial string) *device.Device {
	t.Helper()
	iphone := device.New(t, phone(s, serial))
	putGroup(t, s, "g-sales", iphone.ID())
	policy := stepCAPolicy(s, "corp-acme", "g-sales")
	policy["renewal"] = map[string]any{"before_days": 1, "fraction": 0.5}
	createPolicy(t, s, policy)
	iphone.Enroll()
	iphone.StartPolling(pollInterval)
	waitStatus(t, s, iphone.ID(), "corp-acme", "installed")
	return iphone
}
