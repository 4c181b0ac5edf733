package acmepolicy

// The life of a certificate on a device (docs/lifecycle.md): reading CertificateList answers, finding
// the certificate a policy produced, and deciding when each device must get its profile again.

import "encoding/json"

// DeviceCertificate describes one certificate of a CertificateList answer.
type DeviceCertificate struct {
	CommonName        string `json:"common_name"`
	Subject           string `json:"subject"`
	Issuer            string `json:"issuer"`
	Serial            string `json:"serial"`
	NotBefore         string `json:"not_before"`
	NotAfter          string `json:"not_after"`
	KeyType           string `json:"key_type"`
	KeyBits           int    `json:"key_bits"`
	SHA256Fingerprint string `json:"sha256_fingerprint"`
	IsIdentity        bool   `json:"is_identity"`
}

// CertificateList is what ParseCertificateList read: the certificates, and warnings for entries left out.
type CertificateList struct {
	Certificates []DeviceCertificate `json:"certificates"`
	Diagnostics  []Diagnostic        `json:"diagnostics"`
}

// CertificateEntry is a certificate as the device reports it (Data is the DER; JSON carries it in base64).
type CertificateEntry struct {
	CommonName string `json:"CommonName,omitempty"`
	Data       []byte `json:"Data"`
	IsIdentity bool   `json:"IsIdentity"`
}

// InventoryEntry is one device with its certificates. Device is a device record (docs/rendering.md),
// given as JSON. Policies restricts the policies that apply (nil: all); LastRenewal maps a policy id to
// the RFC 3339 time its profile was last sent again.
type InventoryEntry struct {
	Device       json.RawMessage    `json:"device"`
	Certificates []CertificateEntry `json:"certificates"`
	Policies     []string           `json:"policies,omitempty"`
	LastRenewal  map[string]string  `json:"last_renewal,omitempty"`
}

// CertificateInventory is the fleet PlanRenewals works on.
type CertificateInventory struct {
	Devices []InventoryEntry `json:"devices"`
}

// RenewalOptions are the host's settings of the renewal decision. Now is required (RFC 3339). A nil
// hours field keeps its default (MinIntervalHours 6, SpreadHours 12); use Hours(0) for none.
type RenewalOptions struct {
	Now               string   `json:"now"`
	IssuerChainPEM    string   `json:"issuer_chain_pem,omitempty"`
	MinIntervalHours  *float64 `json:"min_interval_hours,omitempty"`
	SpreadHours       *float64 `json:"spread_hours,omitempty"`
	ClientTokenSecret string   `json:"client_token_secret,omitempty"`
}

// Hours makes a value for RenewalOptions' hour fields.
func Hours(h float64) *float64 { return &h }

// RenewalRule is the rule a policy renews by: when less than min(BeforeSeconds, Fraction × validity)
// remains.
type RenewalRule struct {
	BeforeSeconds int64   `json:"before_seconds"`
	BeforeDays    int64   `json:"before_days,omitempty"`
	Fraction      float64 `json:"fraction"`
}

// CertificateStatus is the matched certificate of one device and its renewal decision. State is "ok",
// "due", "expired", "throttled" or "missing"; RenewAt is empty when missing.
type CertificateStatus struct {
	Policy        string             `json:"policy"`
	Device        string             `json:"device"`
	State         string             `json:"state"`
	Due           bool               `json:"due"`
	RenewAt       string             `json:"renew_at"`
	WindowSeconds int64              `json:"window_seconds"`
	JitterSeconds int64              `json:"jitter_seconds"`
	Rule          RenewalRule        `json:"rule"`
	Certificate   *DeviceCertificate `json:"certificate"`
	Matched       int                `json:"matched"`
	Foreign       int                `json:"foreign"`
	LastRenewal   string             `json:"last_renewal"`
	Reason        string             `json:"reason"`
	Diagnostics   []Diagnostic       `json:"diagnostics"`
}

// PlannedRenewal is one device/policy pair of a RenewalPlan.
type PlannedRenewal struct {
	Device            string `json:"device"`
	Policy            string `json:"policy"`
	State             string `json:"state"`
	RenewAt           string `json:"renew_at"`
	NotAfter          string `json:"not_after"`
	Serial            string `json:"serial"`
	SHA256Fingerprint string `json:"sha256_fingerprint"`
}

// RenewalDay counts the renewals of one UTC day (Date is YYYY-MM-DD).
type RenewalDay struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// RenewalSummary counts the pairs of a RenewalPlan by state.
type RenewalSummary struct {
	Pairs     int `json:"pairs"`
	OK        int `json:"ok"`
	Due       int `json:"due"`
	Expired   int `json:"expired"`
	Throttled int `json:"throttled"`
	Missing   int `json:"missing"`
}

// RenewalPlan says who renews when (soonest first) and how many renewals fall on each day.
type RenewalPlan struct {
	Now      string           `json:"now"`
	Renewals []PlannedRenewal `json:"renewals"`
	Missing  []struct {
		Device string `json:"device"`
		Policy string `json:"policy"`
	} `json:"missing"`
	PerDay      []RenewalDay   `json:"per_day"`
	Summary     RenewalSummary `json:"summary"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
}

// ParseCertificateList reads a CertificateList command answer (the device's XML plist). Entries that
// cannot be read are warnings in the result; an unusable answer is an *Error with StatusInvalidInput.
func ParseCertificateList(plist []byte) (CertificateList, error) {
	var r CertificateList
	return r, callParseCertificateList(plist, nil).decode(&r, StatusOK)
}

// CertificateStatusOf finds the certificate policy produced on the entry's device and decides when the
// device must get its profile again.
func CertificateStatusOf(policy []byte, entry InventoryEntry, opts RenewalOptions) (CertificateStatus, error) {
	e, err := json.Marshal(entry)
	if err != nil {
		return CertificateStatus{}, err
	}
	return withOptions[CertificateStatus](opts, func(options []byte) answer {
		return callCertificateStatus(policy, e, options)
	}, StatusOK)
}

// PlanRenewals plans the renewals of a fleet over policies (a JSON array of policy documents).
func PlanRenewals(inventory CertificateInventory, policies []byte, opts RenewalOptions) (RenewalPlan, error) {
	i, err := json.Marshal(inventory)
	if err != nil {
		return RenewalPlan{}, err
	}
	return PlanRenewalsJSON(i, policies, opts)
}

// PlanRenewalsJSON is PlanRenewals over an inventory that is already JSON (such as an export file).
func PlanRenewalsJSON(inventory, policies []byte, opts RenewalOptions) (RenewalPlan, error) {
	return withOptions[RenewalPlan](opts, func(options []byte) answer {
		return callPlanRenewals(inventory, policies, options)
	}, StatusOK)
}
