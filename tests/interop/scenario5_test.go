package interop

import (
	"fmt"
	"testing"
	"time"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 5: crashes and restarts. Four iPhones enroll; as soon as acmepolicy has stored their
// enrollments it is killed with SIGKILL and NanoMDM is stopped. acmepolicy starts again while NanoMDM is
// still down (its sends fail and are retried), then NanoMDM comes back on the same storage. Every device
// ends with its certificate, each received its InstallProfile exactly once, and no CommandUUID repeats.
// Then NanoMDM restarts between an edit being queued and the devices' next poll: the update arrives once.
func TestScenario5RestartsLoseNothingAndSendNothingTwice(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{})
	var phones []*device.Device
	var ids []string
	for i := 0; i < 4; i++ {
		d := device.New(t, phone(s, fmt.Sprintf("F2LCRASH%04d", i)))
		phones = append(phones, d)
		ids = append(ids, d.ID())
	}
	putGroup(t, s, "g-sales", ids...)
	policy := stepCAPolicy(s, "corp-acme", "g-sales")
	createPolicy(t, s, policy)
	for _, d := range phones {
		d.Enroll()
	}
	for _, d := range phones {
		waitStatus(t, s, d.ID(), "corp-acme", "pending") // the enrollment is stored (answered 200)
	}
	s.Acmepolicy.Proc.Kill()
	s.NanoMDM.Proc.Stop()
	s.Acmepolicy.Restart(t)
	time.Sleep(3 * time.Second) // sends fail meanwhile: connection refused, retried
	s.NanoMDM.Proc.Start(t)
	for _, d := range phones {
		d.StartPolling(pollInterval)
	}
	for _, d := range phones {
		waitStatus(t, s, d.ID(), "corp-acme", "installed")
		p := d.Profiles()[profileIdentifier("corp-acme")]
		if len(p.Identities) != 1 {
			t.Fatalf("%s: %d identities after the restarts", d.ID(), len(p.Identities))
		}
		assertIssued(t, s, p.Identities[0], d.Config().Serial, 256)
		if n := installCount(d, profileIdentifier("corp-acme")); n != 1 {
			t.Errorf("%s received InstallProfile %d times, want exactly once", d.ID(), n)
		}
	}

	for _, d := range phones {
		d.StopPolling()
	}
	policy["payload"].(map[string]any)["KeySize"] = 384
	s.Acmepolicy.MustDo(t, 200, "PUT", "/api/v1/policies/corp-acme", policy, nil)
	time.Sleep(2500 * time.Millisecond) // the outbox hands the updates to NanoMDM
	s.NanoMDM.Restart(t)
	for _, d := range phones {
		d.StartPolling(pollInterval)
	}
	for _, d := range phones {
		harness.Eventually(t, settle, d.ID()+" updated to P-384", func() bool {
			p := d.Profiles()[profileIdentifier("corp-acme")]
			return len(p.Identities) == 1 && publicKeyBits(p.Identities[0].Cert) == 384
		})
		waitStatus(t, s, d.ID(), "corp-acme", "installed")
		if n := installCount(d, profileIdentifier("corp-acme")); n != 2 {
			t.Errorf("%s received InstallProfile %d times, want 2 (install and one update)", d.ID(), n)
		}
	}
	seen := map[string]string{}
	for _, d := range phones {
		for _, c := range d.Commands() {
			if other, dup := seen[c.UUID]; dup {
				t.Errorf("CommandUUID %s delivered twice (%s and %s)", c.UUID, other, d.ID())
			}
			seen[c.UUID] = d.ID()
		}
	}
}
