package interop

import (
	"testing"

	"acmepolicy.dev/interop/harness"
)

// Scenario 1: an iPhone (iOS 17, iPhone15,2) in an assigned group enrolls in NanoMDM, receives the
// profile, obtains a real certificate from step-ca through device-attest-01, and acmepolicy shows
// `installed`.
func TestScenario1EnrolledIPhoneGetsCertificate(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{})
	iphone, _ := installedPhone(t, s, "F2LXK0PQHG7J", "corp-acme")
	st := waitStatus(t, s, iphone.ID(), "corp-acme", "installed")

	profile, ok := iphone.Profiles()[profileIdentifier("corp-acme")]
	if !ok {
		t.Fatalf("acmepolicy says installed but the device holds no profile %s", profileIdentifier("corp-acme"))
	}
	if len(profile.Identities) != 1 {
		t.Fatalf("profile holds %d identities, want 1", len(profile.Identities))
	}
	assertIssued(t, s, profile.Identities[0], "F2LXK0PQHG7J", 256)
	if len(profile.Roots) != 1 || !profile.Roots[0].Equal(s.StepCA.Root.Cert) {
		t.Errorf("profile carries %d CA certificates; want step-ca's root from the policy", len(profile.Roots))
	}
	if n := installCount(iphone, profileIdentifier("corp-acme")); n != 1 {
		t.Errorf("device received InstallProfile %d times, want exactly once", n)
	}
	if st.LastCommandUUID == "" {
		t.Errorf("status names no command")
	}
}
