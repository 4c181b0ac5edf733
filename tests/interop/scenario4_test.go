package interop

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"acmepolicy.dev/interop/device"
	"acmepolicy.dev/interop/harness"
)

// Scenario 4: a User Enrollment iPad. The BYOD policy identifies it with {{enrollment_id}} and
// {{client_token}}; the profile arrives through NanoMDM's User Enrollment device channel. Apple's
// attestation for a User Enrollment carries no serial number or UDID, so step-ca (which can only bind a
// permanent identifier to attested hardware ids) refuses it: the device reports the failure, acmepolicy
// shows `failed` with the device's ErrorChain, and the client token the device received verifies over the
// client-token route, the path for ACME servers that check tokens instead. A step-ca policy for the same
// group excludes the iPad up front, with its reason.
func TestScenario4UserEnrollmentIPad(t *testing.T) {
	s := harness.NewStack(t, harness.StackOptions{})
	cfg := device.Config{
		EnrollmentID: "7E1C5B2A-93D4-4F7E-9A1B-USERENROLL01", ProductName: "iPad14,1", OSVersion: "17.5",
		BuildVersion: "21F79", DeviceName: "Personal iPad", CanAttest: true,
		MDMURL: s.NanoMDM.URL + "/mdm", AttestCA: s.AttestCA, DeviceCA: s.DeviceCA,
	}
	ipad := device.New(t, cfg)
	putGroup(t, s, "g-byod", ipad.ID())
	byod := stepCAPolicy(s, "byod-acme", "g-byod")
	byod["server_profile"] = "generic"
	payload := byod["payload"].(map[string]any)
	payload["ClientIdentifier"] = "{{client_token}}"
	payload["Subject"] = [][][]string{{{"CN", "{{enrollment_id}}"}}}
	createPolicy(t, s, byod)
	createPolicy(t, s, stepCAPolicy(s, "corp-acme", "g-byod"))

	ipad.Enroll()
	ipad.StartPolling(pollInterval)
	st := waitStatus(t, s, ipad.ID(), "byod-acme", "failed")

	var lastError struct {
		Status     string           `json:"status"`
		ErrorChain []map[string]any `json:"error_chain"`
	}
	if err := json.Unmarshal(st.LastError, &lastError); err != nil || lastError.Status != "Error" ||
		len(lastError.ErrorChain) == 0 {
		t.Fatalf("failed without the device's ErrorChain: %s", st.LastError)
	}
	if text, _ := lastError.ErrorChain[0]["USEnglishDescription"].(string); !strings.Contains(text, "permanent identifier does not match") {
		t.Errorf("ErrorChain does not carry step-ca's refusal: %q", text)
	}
	if len(ipad.Profiles()) != 0 {
		t.Errorf("the iPad holds profiles after a failed enrollment: %v", ipad.Profiles())
	}

	token := ipad.ReceivedClientIdentifier(profileIdentifier("byod-acme"))
	if token == "" || strings.Contains(token, "{{") {
		t.Fatalf("the profile's ClientIdentifier is %q, want a rendered client token", token)
	}
	verify := func(tok string) bool {
		var answer struct {
			Valid bool `json:"valid"`
		}
		s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodPost, "/api/v1/client-tokens/verify",
			map[string]any{"policy_id": "byod-acme", "device_id": ipad.ID(), "token": tok}, &answer)
		return answer.Valid
	}
	if !verify(token) {
		t.Errorf("the client token the iPad received does not verify")
	}
	if verify(token[:len(token)-1] + flip(token[len(token)-1])) {
		t.Errorf("a tampered client token verifies")
	}

	var assignments struct {
		Excluded []struct {
			Device string `json:"device"`
			Reason string `json:"reason"`
		} `json:"excluded"`
	}
	s.Acmepolicy.MustDo(t, http.StatusOK, http.MethodGet, "/api/v1/policies/corp-acme/assignments", nil, &assignments)
	if len(assignments.Excluded) != 1 || assignments.Excluded[0].Device != ipad.ID() ||
		assignments.Excluded[0].Reason != "server_profile_incompatible" {
		t.Errorf("step-ca policy for a User Enrollment iPad: excluded = %+v, want server_profile_incompatible", assignments.Excluded)
	}
	for _, c := range ipad.Commands() {
		if c.RequestType == "InstallProfile" && c.Identifier == profileIdentifier("corp-acme") {
			t.Errorf("the excluded step-ca profile was sent to the iPad")
		}
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
