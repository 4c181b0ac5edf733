package interop

import (
	"crypto/x509"
	"net/http"
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 8: declarative delivery for real. NanoMDM runs with -dm (acmepolicy's /dm/) and
// -auth-proxy-url (acmepolicy's /dm-assets/). An `auto` policy targets an iOS 17.5 iPhone and an iOS 16.7
// iPhone: the first gets the DeclarativeManagement command, syncs tokens → declaration-items →
// declarations, fetches its credential document through NanoMDM's /authproxy/ (size and hash checked),
// obtains a step-ca certificate and reports its status, and acmepolicy shows `installed`; the second gets
// the profile. Another enrollment asking for the first device's credential gets 404. Unassigning removes the
// declared identity.
func TestScenario8DeclarativeCredential(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{Declarative: true})
	modern := phone(s, "F2LDDM170001")
	modern.MDMURL, modern.MDMRoots = s.Front.URL+"/mdm", []*x509.Certificate{s.TLSCA.Cert}
	modern.ACMERoots = s.ACMERoots() // the declarative credential carries no CA certificates
	legacy := phone(s, "F2LDDM160001")
	legacy.OSVersion, legacy.BuildVersion = "16.7.8", "20H343"
	iphone17, iphone16 := device.New(t, modern), device.New(t, legacy)
	putGroup(t, s, "g-sales", iphone17.ID(), iphone16.ID())
	policy := stepCAPolicy(s, "corp-acme", "g-sales")
	policy["delivery"] = "auto"
	createPolicy(t, s, policy)

	for _, d := range []*device.Device{iphone17, iphone16} {
		d.Enroll()
		d.StartPolling(pollInterval)
	}
	waitStatus(t, s, iphone17.ID(), "corp-acme", "installed")
	waitStatus(t, s, iphone16.ID(), "corp-acme", "installed")

	identities := iphone17.DeclaredIdentities()
	id, ok := identities[profileIdentifier("corp-acme")+".identity"]
	if !ok || len(identities) != 1 {
		t.Fatalf("declared identities on the iOS 17 device: %v", identities)
	}
	assertIssued(t, s, id, "F2LDDM170001", 256)
	if len(iphone17.Profiles()) != 0 || installCount(iphone17, profileIdentifier("corp-acme")) != 0 {
		t.Errorf("the iOS 17 device got a profile as well")
	}
	if p := iphone16.Profiles()[profileIdentifier("corp-acme")]; len(p.Identities) != 1 {
		t.Errorf("the iOS 16 device has no profile identity: %+v", p)
	}
	for _, c := range iphone16.Commands() {
		if c.RequestType == "DeclarativeManagement" {
			t.Errorf("the iOS 16 device was sent DeclarativeManagement")
		}
	}

	// The credential is served only to its own enrollment (the header NanoMDM's proxy sets).
	for enrollment, want := range map[string]int{iphone17.ID(): http.StatusOK, iphone16.ID(): http.StatusNotFound} {
		req, _ := http.NewRequest(http.MethodGet, s.Acmepolicy.URL+"/dm-assets/corp-acme/"+iphone17.ID()+".json", nil)
		req.Header.Set("X-Enrollment-ID", enrollment)
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: s.TrustedClientTLS()}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("credential of %s asked by %s: HTTP %d, want %d", iphone17.ID(), enrollment, resp.StatusCode, want)
		}
	}

	putGroup(t, s, "g-sales")
	waitStatus(t, s, iphone17.ID(), "corp-acme", "removed")
	harness.Eventually(t, settle, "the declared identity to be removed", func() bool {
		return len(iphone17.DeclaredIdentities()) == 0
	})
	waitStatus(t, s, iphone16.ID(), "corp-acme", "removed")
}
