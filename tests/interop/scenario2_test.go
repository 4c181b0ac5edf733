package interop

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 2: a device that is enrolled but not assigned gets hold of a profile outside the MDM and asks
// step-ca for a certificate. acmepolicy's AUTHORIZING webhook denies it, step-ca refuses, no certificate.
// The same stack issues to the assigned device, so the refusal is the assignment's doing.
func TestScenario2UnassignedDeviceIsRefused(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{})
	assigned := device.New(t, phone(s, "F2LASSIGNED1"))
	outsider := device.New(t, phone(s, "F2LOUTSIDER1"))
	putGroup(t, s, "g-sales", assigned.ID())
	createPolicy(t, s, stepCAPolicy(s, "corp-acme", "g-sales"))
	for _, d := range []*device.Device{assigned, outsider} {
		d.Enroll()
		d.StartPolling(pollInterval)
	}
	waitStatus(t, s, assigned.ID(), "corp-acme", "installed")

	// A profile for the outsider, rendered by the server's preview route (what a leaked or forged profile
	// would be: the right ACME server, the outsider's own serial number).
	forged := renderProfile(t, s, "corp-acme", outsider.ID())
	err := outsider.InstallProfileDirect(forged)
	if err == nil {
		t.Fatal("step-ca issued a certificate to a device that has no ACME policy assigned")
	}
	if !strings.Contains(err.Error(), "finalize") {
		t.Errorf("refusal came before the authorising webhook could decide: %v", err)
	}
	if p, ok := outsider.Profiles()[profileIdentifier("corp-acme")]; ok {
		t.Errorf("the outsider holds a profile with %d identities", len(p.Identities))
	}
	if st, ok := s.Acmepolicy.DeviceStatus(t, outsider.ID())["corp-acme"]; ok {
		t.Errorf("the outsider has an assignment: %+v", st)
	}
	assertLogged(t, s.Acmepolicy.Proc, `"allow":false`, outsider.Config().Serial)

	// The assigned device's profile copied onto the outsider: its attestation proves another serial number,
	// so step-ca refuses the identifier before any certificate is made.
	copied := renderProfile(t, s, "corp-acme", assigned.ID())
	if err := outsider.InstallProfileDirect(copied); err == nil ||
		!strings.Contains(err.Error(), "device-attest-01") {
		t.Errorf("a copied profile was not refused at the attestation: %v", err)
	}
}

func renderProfile(t *testing.T, s *harness.Stack, policy, dev string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.Acmepolicy.URL+"/api/v1/policies/"+policy+"/profile?device="+dev, nil)
	req.Header.Set("Authorization", "Bearer "+s.Acmepolicy.Token)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: s.TrustedClientTLS()}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("render %s for %s: HTTP %d: %s", policy, dev, resp.StatusCode, body)
	}
	return body
}
