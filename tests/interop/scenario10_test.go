package interop

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// fallbackPolicy is the policy devices without attestation fall back to: generic, no Attest, identified by
// the device id (which every enrollment type has), pointing at step-ca's second provisioner.
func fallbackPolicy(s *harness.Stack, id string) map[string]any {
	return map[string]any{
		"schema_version": 1,
		"id":             id,
		"name":           "Corp ACME (no attestation)",
		"server_profile": "generic",
		"payload": map[string]any{
			"DirectoryURL":     s.StepCA.FallbackDirectoryURL,
			"ClientIdentifier": "{{device_id}}",
			"KeyType":          "ECSECPrimeRandom",
			"KeySize":          256,
			"HardwareBound":    true,
			"Attest":           false,
			"Subject":          [][][]string{{{"CN", "{{device_id}}"}}},
		},
		"ca_certificates": []string{string(harness.CertPEM(s.StepCA.Root.Cert))},
		"targets":         map[string]any{"device_groups": []string{}, "devices": []string{}},
	}
}

// Scenario 10: a primary step-ca policy that requires attestation (device-attest-01 with Apple's format on
// its provisioner) names a fallback for devices that cannot attest, on a second step-ca provisioner. The
// attesting iPhone gets the primary's real certificate. The iPad7,11 (A10: ignores Attest) gets the
// fallback's profile, never the primary's; like every Apple device it answers device-attest-01, here with
// a WebAuthn statement that carries no attestation, which step-ca cannot validate, so it obtains no
// certificate there (the fallback of such devices needs an ACME server that issues without attestation).
// Moving the iPhone onto the fallback (its record becomes a User Enrollment one) never leaves it without an
// identity: the fallback's install fails the same way and the primary's profile and certificate stay.
func TestScenario10Fallback(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{FallbackProvisioner: true})
	iphone := device.New(t, phone(s, "F2LFALLBK001"))
	ipadConfig := phone(s, "DMPFALLBK711")
	ipadConfig.ProductName, ipadConfig.DeviceName, ipadConfig.CanAttest = "iPad7,11", "Warehouse iPad", false
	ipad := device.New(t, ipadConfig)
	putGroup(t, s, "g-fleet", iphone.ID(), ipad.ID())
	primary := stepCAPolicy(s, "corp-acme", "g-fleet")
	primary["fallback"] = map[string]any{"policy": "corp-acme-noattest",
		"when": []string{"attestation_unsupported", "user_enrollment"}}
	createPolicy(t, s, primary)
	createPolicy(t, s, fallbackPolicy(s, "corp-acme-noattest"))
	for _, d := range []*device.Device{iphone, ipad} {
		d.Enroll()
		d.StartPolling(pollInterval)
	}

	// The attesting iPhone: the primary's certificate, attested by step-ca's first provisioner.
	waitStatus(t, s, iphone.ID(), "corp-acme", "installed")
	held := iphone.Profiles()[profileIdentifier("corp-acme")]
	if len(held.Identities) != 1 {
		t.Fatalf("the iPhone's primary profile holds %d identities", len(held.Identities))
	}
	assertIssued(t, s, held.Identities[0], "F2LFALLBK001", 256)

	// The iPad7,11: the fallback's profile, refused at device-attest-01 for want of an attestation.
	st := waitStatus(t, s, ipad.ID(), "corp-acme-noattest", "failed")
	if !strings.Contains(string(st.LastError), "device-attest-01") {
		t.Errorf("the fallback failed for another reason than the missing attestation: %s", st.LastError)
	}
	if n := installCount(ipad, profileIdentifier("corp-acme")); n != 0 {
		t.Errorf("the iPad received the primary's profile %d times; it cannot attest", n)
	}
	if n := installCount(ipad, profileIdentifier("corp-acme-noattest")); n < 1 {
		t.Errorf("the iPad never received the fallback's profile")
	}
	var resolution struct {
		Moved []struct {
			Device, Policy, Reason, Message string
		} `json:"included_via_fallback"`
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/policies/corp-acme/assignments", nil, &resolution)
	if len(resolution.Moved) != 1 || resolution.Moved[0].Device != ipad.ID() ||
		resolution.Moved[0].Policy != "corp-acme-noattest" || resolution.Moved[0].Reason != "attestation_unsupported" ||
		resolution.Moved[0].Message != "iPad7,11 cannot attest: gets Corp ACME (no attestation) instead" {
		t.Errorf("included_via_fallback = %+v", resolution.Moved)
	}

	// The iPhone moves onto the fallback: installed first, and since it fails, the primary stays.
	var record map[string]any
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/devices/"+iphone.ID(), nil, &record)
	record["enrollment"] = "user"
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodPut, "/api/v1/devices/"+iphone.ID(), record, nil)
	waitStatus(t, s, iphone.ID(), "corp-acme-noattest", "failed")
	keepsIdentity := func(when string) {
		t.Helper()
		if got := s.Acmepolicy.DeviceStatus(t, iphone.ID())["corp-acme"].Status; got != "installed" {
			t.Errorf("%s: the primary's assignment is %q, want installed", when, got)
		}
		now := iphone.Profiles()[profileIdentifier("corp-acme")]
		if len(now.Identities) != 1 || !now.Identities[0].Cert.Equal(held.Identities[0].Cert) {
			t.Errorf("%s: the iPhone lost its primary identity", when)
		}
		for _, c := range iphone.Commands() {
			if c.RequestType == "RemoveProfile" && c.Identifier == profileIdentifier("corp-acme") {
				t.Errorf("%s: RemoveProfile of the primary was sent before a replacement was installed", when)
			}
		}
	}
	keepsIdentity("after the fallback failed")
	var status struct {
		Moved []map[string]string `json:"included_via_fallback"`
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/devices/"+iphone.ID()+"/status", nil, &status)
	if raw, _ := json.Marshal(status.Moved); len(status.Moved) != 1 || status.Moved[0]["reason"] != "user_enrollment" {
		t.Errorf("the iPhone's status: included_via_fallback = %s", raw)
	}

	// Back to its enrollment: the primary fits again; the fallback that never installed is withdrawn, the
	// primary stays.
	record["enrollment"] = "device"
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodPut, "/api/v1/devices/"+iphone.ID(), record, nil)
	harness.Eventually(t, settle, "RemoveProfile of the fallback on the iPhone", func() bool {
		for _, c := range iphone.Commands() {
			if c.RequestType == "RemoveProfile" && c.Identifier == profileIdentifier("corp-acme-noattest") {
				return true
			}
		}
		return false
	})
	keepsIdentity("back on the primary")
}
