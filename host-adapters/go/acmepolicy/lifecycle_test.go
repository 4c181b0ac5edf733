package acmepolicy

import (
	"encoding/json"
	"errors"
	"testing"
)

func lifecyclePolicies(t *testing.T) []byte {
	return append(append([]byte("["), read(t, "policy-lifecycle.json")...), ']')
}

func TestParseCertificateList(t *testing.T) {
	list, err := ParseCertificateList(read(t, "certificate-list.plist"))
	if err != nil || len(list.Certificates) != 4 {
		t.Fatalf("ParseCertificateList = %+v, %v", list, err)
	}
	found := false
	for _, c := range list.Certificates {
		if c.Serial == "1002" {
			found = c.IsIdentity && c.NotAfter == "2026-12-05T00:00:00Z" && len(c.SHA256Fingerprint) == 64
		}
	}
	if !found {
		t.Fatalf("the device's newest certificate is not described right: %+v", list.Certificates)
	}
	_, err = ParseCertificateList([]byte("<plist><array/></plist>"))
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidInput || len(e.Diagnostics) == 0 ||
		e.Diagnostics[0].Code != "certificate_list.not_dict" {
		t.Fatalf("not a dictionary: %v", err)
	}
}

func TestCertificateStatusAndPlan(t *testing.T) {
	var inventory CertificateInventory
	if err := json.Unmarshal(read(t, "certificate-inventory.json"), &inventory); err != nil {
		t.Fatal(err)
	}
	opts := RenewalOptions{Now: now, SpreadHours: Hours(0)}
	s, err := CertificateStatusOf(read(t, "policy-lifecycle.json"), inventory.Devices[0], opts)
	if err != nil || s.State != "due" || !s.Due || s.Certificate == nil || s.Certificate.Serial != "1002" ||
		s.RenewAt != now || s.Rule.BeforeDays != 30 {
		t.Fatalf("CertificateStatusOf = %+v, %v", s, err)
	}
	plan, err := PlanRenewals(inventory, lifecyclePolicies(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := RenewalSummary{Pairs: 5, OK: 1, Due: 1, Expired: 1, Throttled: 1, Missing: 1}
	if plan.Summary != want || len(plan.Renewals) != 4 || len(plan.Missing) != 1 || plan.Missing[0].Device != "d-0400" {
		t.Fatalf("PlanRenewals = %+v", plan)
	}
	total := 0
	for _, d := range plan.PerDay {
		total += d.Count
	}
	if total != len(plan.Renewals) {
		t.Fatalf("per day counts %d renewals of %d", total, len(plan.Renewals))
	}
	fromFile, err := PlanRenewalsJSON(read(t, "certificate-inventory.json"), lifecyclePolicies(t), opts)
	if err != nil || len(fromFile.Renewals) != len(plan.Renewals) || fromFile.Renewals[0] != plan.Renewals[0] {
		t.Fatalf("PlanRenewalsJSON disagrees: %+v, %v", fromFile, err)
	}
	// The core has no clock: a missing Now is the caller's mistake.
	_, err = PlanRenewals(inventory, lifecyclePolicies(t), RenewalOptions{})
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusBadArguments || e.Code != "options.now" {
		t.Fatalf("without now: %v", err)
	}
}
