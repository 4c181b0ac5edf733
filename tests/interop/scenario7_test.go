package interop

import (
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 7: scenario 1 through the Go hook (libacmepolicy through the Go binding) instead of
// `acmepolicy serve`, configured GitOps style: the iPhone gets its profile and a real step-ca certificate,
// the hook's state records the acknowledgement; then the operator removes the device from the group in the
// folder and the hook, noticing the change, sends RemoveProfile.
func TestScenario7GoHookGetsCertificate(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{Hook: true})
	iphone := device.New(t, phone(s, "F2LHOOK00001"))
	s.Hook.WriteConfig(t, "inventory.json", map[string]any{
		"groups": []any{map[string]any{"id": "g-sales", "devices": []string{"F2LHOOK00001"}}}, // by serial number
	})
	s.Hook.WriteConfig(t, "policies/corp-acme.json", stepCAPolicy(s, "corp-acme", "g-sales"))
	harness.Eventually(t, settle, "the hook to read its folder", func() bool {
		return len(s.Hook.Proc.Log()) > 0 && contains(s.Hook.Proc.Log(), "config folder changed")
	})

	iphone.Enroll()
	iphone.StartPolling(pollInterval)
	harness.Eventually(t, settle, "the hook to record the installed profile", func() bool {
		return s.Hook.Acknowledged(t, iphone.ID(), "corp-acme")
	})
	profile := iphone.Profiles()[profileIdentifier("corp-acme")]
	if len(profile.Identities) != 1 {
		t.Fatalf("profile holds %d identities, want 1", len(profile.Identities))
	}
	assertIssued(t, s, profile.Identities[0], "F2LHOOK00001", 256)
	if n := installCount(iphone, profileIdentifier("corp-acme")); n != 1 {
		t.Errorf("InstallProfile received %d times, want once", n)
	}

	s.Hook.WriteConfig(t, "inventory.json", map[string]any{
		"groups": []any{map[string]any{"id": "g-sales", "devices": []string{}}},
	})
	harness.Eventually(t, settle, "RemoveProfile after the folder changed", func() bool {
		_, still := iphone.Profiles()[profileIdentifier("corp-acme")]
		return !still
	})
}
