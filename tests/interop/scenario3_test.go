package interop

import (
	"net/http"
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 3: an admin edits the policy (P-256 → P-384): the device gets the update (same
// PayloadIdentifier, new PayloadUUID) and a new certificate with the new key. Then the device leaves the
// group: RemoveProfile, the profile and its identity are gone, acmepolicy shows `removed`.
func TestScenario3EditUpdatesThenUnassignRemoves(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{})
	iphone, policy := installedPhone(t, s, "F2LEDIT00001", "corp-acme")
	first := iphone.Profiles()[profileIdentifier("corp-acme")]
	if len(first.Identities) != 1 {
		t.Fatalf("first install: %d identities", len(first.Identities))
	}

	policy["payload"].(map[string]any)["KeySize"] = 384
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodPut, "/api/v1/policies/corp-acme", policy, nil)
	var updated device.Profile
	harness.Eventually(t, settle, "the updated profile on the device", func() bool {
		updated = iphone.Profiles()[profileIdentifier("corp-acme")]
		return updated.UUID != "" && updated.UUID != first.UUID
	})
	waitStatus(t, s, iphone.ID(), "corp-acme", "installed")
	if len(updated.Identities) != 1 {
		t.Fatalf("updated profile: %d identities", len(updated.Identities))
	}
	assertIssued(t, s, updated.Identities[0], "F2LEDIT00001", 384)
	if updated.Identities[0].Cert.SerialNumber.Cmp(first.Identities[0].Cert.SerialNumber) == 0 {
		t.Errorf("the update did not bring a new certificate")
	}
	if n := installCount(iphone, profileIdentifier("corp-acme")); n != 2 {
		t.Errorf("InstallProfile received %d times, want 2 (install, then one update)", n)
	}

	putGroup(t, s, "g-sales")
	waitStatus(t, s, iphone.ID(), "corp-acme", "removed")
	if _, ok := iphone.Profiles()[profileIdentifier("corp-acme")]; ok {
		t.Errorf("acmepolicy says removed but the profile (and its identity) is still on the device")
	}
	removes := 0
	for _, c := range iphone.Commands() {
		if c.RequestType == "RemoveProfile" {
			removes++
			if c.Identifier != profileIdentifier("corp-acme") || c.Status != "Acknowledged" {
				t.Errorf("RemoveProfile %+v", c)
			}
		}
	}
	if removes != 1 {
		t.Errorf("RemoveProfile received %d times, want 1", removes)
	}
}
