package acmepolicy

import (
	"encoding/json"
	"fmt"
)

// Status is the C ABI's status of a call (acmepolicy_status); the values never change.
type Status int

const (
	StatusOK            Status = 0 // the call worked
	StatusInvalidInput  Status = 1 // an input document has errors (see the diagnostics)
	StatusBadArguments  Status = 2 // the call is malformed (options not JSON, unknown format, ...)
	StatusNotFound      Status = 3 // a named device or policy is not in the input
	StatusInternalError Status = 4 // a bug in the library
	StatusNullArgument  Status = 5 // never produced by this package (it passes no NULL pointers)
	StatusOutOfMemory   Status = 6 // memory ran out inside the library
)

// String is the library's stable name of the status ("ok", "invalid_input", ...).
func (s Status) String() string { return statusString(s) }

// Diagnostic is one finding about an input document: a stable dotted code, an RFC 6901 JSON pointer to
// the offending value, a severity ("error", "warning", "info") and a sentence saying how to fix it.
type Diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Path     string `json:"path"`
	Message  string `json:"message"`
}

// Error is returned when a call does not produce the result asked for. It carries the library's
// answer: the error code and message of an {"error": ...} document, or the diagnostics of an invalid
// input.
type Error struct {
	Status      Status
	Code        string       // e.g. "options.invalid"; empty when the answer carries diagnostics instead
	Message     string       // the library's sentence, when Code is set
	Diagnostics []Diagnostic // the input's diagnostics, when there are some
	JSON        []byte       // the library's whole answer
}

func (e *Error) Error() string {
	switch {
	case e.Code != "":
		return fmt.Sprintf("acmepolicy: %s: %s: %s", e.Status, e.Code, e.Message)
	case len(e.Diagnostics) > 0:
		d := e.Diagnostics[0]
		for _, candidate := range e.Diagnostics {
			if candidate.Severity == "error" {
				d = candidate
				break
			}
		}
		return fmt.Sprintf("acmepolicy: %s: %s at %q: %s", e.Status, d.Code, d.Path, d.Message)
	default:
		return fmt.Sprintf("acmepolicy: %s", e.Status)
	}
}

// Report is the result of validating one policy.
type Report struct {
	Valid       bool         `json:"valid"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// PolicyReport is one policy's part of a SetReport.
type PolicyReport struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Valid       bool         `json:"valid"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// SetReport is the result of validating several policies together.
type SetReport struct {
	Valid       bool           `json:"valid"`
	Policies    []PolicyReport `json:"policies"`
	Diagnostics []Diagnostic   `json:"diagnostics"` // set-level findings (e.g. duplicate names)
}

// ValidateOptions tunes validation. The zero value is the default.
type ValidateOptions struct {
	Now string `json:"now,omitempty"` // RFC 3339; certificate expiry is judged at this time
}

// Signing is the key material of a signed profile, passed in memory (PEM texts).
type Signing struct {
	CertificatePEM string `json:"certificate_pem"`
	KeyPEM         string `json:"key_pem"`
	ChainPEM       string `json:"chain_pem,omitempty"`
}

// RenderOptions selects and parameterises the rendered document (docs/rendering.md).
type RenderOptions struct {
	Format            string          `json:"format,omitempty"` // "mobileconfig" (when empty), "ddm", "install-command", "remove-command"
	Device            json.RawMessage `json:"device,omitempty"`
	Preview           bool            `json:"preview,omitempty"`
	IdentifierPrefix  string          `json:"identifier_prefix,omitempty"`
	Organization      string          `json:"organization,omitempty"`
	Description       string          `json:"description,omitempty"`
	ClientTokenSecret string          `json:"client_token_secret,omitempty"`
	Signing           *Signing        `json:"signing,omitempty"`
	DDMBaseURL        string          `json:"ddm_base_url,omitempty"`
	CommandUUID       string          `json:"command_uuid,omitempty"`
	RandomHex         string          `json:"random_hex,omitempty"`
	Now               string          `json:"now,omitempty"`
}

// RenderResult describes a rendered document. Metadata keeps the whole metadata object, including keys
// this version of the package does not name.
type RenderResult struct {
	OK                bool                       `json:"ok"`
	Format            string                     `json:"format"`
	ContentType       string                     `json:"content_type"`
	PayloadIdentifier string                     `json:"payload_identifier"`
	PayloadUUID       string                     `json:"payload_uuid"` // "" for ddm and remove-command
	Signed            bool                       `json:"signed"`
	CredentialURL     string                     `json:"credential_url,omitempty"` // ddm only
	Diagnostics       []Diagnostic               `json:"diagnostics"`
	Metadata          map[string]json.RawMessage `json:"-"`
}

// ClientTokenRequest asks whether a client_token is the one the secret gives for a policy and device.
type ClientTokenRequest struct {
	Secret   string `json:"secret"`
	PolicyID string `json:"policy_id"`
	DeviceID string `json:"device_id"`
	Token    string `json:"token"`
}

// ResolveOptions tunes resolution, explanation and planning. The zero value is the default.
type ResolveOptions struct {
	Now              string `json:"now,omitempty"`
	IdentifierPrefix string `json:"identifier_prefix,omitempty"`
	// ClientTokenSecret is read by Plan only (it decides the identity of profiles using {{client_token}}).
	ClientTokenSecret string `json:"client_token_secret,omitempty"`
}

// Warning is a warning on an included device or an explanation.
type Warning struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// Inclusion is a device that receives a policy, and through which targets ("group:<id>", "device").
type Inclusion struct {
	Device   string    `json:"device"`
	Via      []string  `json:"via"`
	Warnings []Warning `json:"warnings"`
}

// Exclusion is a targeted device that does not receive a policy, and the one reason why.
type Exclusion struct {
	Device  string `json:"device"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// FallbackMove is a targeted device that the policy's fallback chain gives to another policy.
type FallbackMove struct {
	Device  string `json:"device"`
	Policy  string `json:"policy"` // the policy that receives the device
	Reason  string `json:"reason"` // the fallback condition, e.g. "attestation_unsupported"
	Message string `json:"message"`
}

// FallbackRoute says which fallback an explained device receives instead, and why.
type FallbackRoute struct {
	Policy string `json:"policy"`
	Reason string `json:"reason"`
}

// PolicyResolution is the outcome of one policy over the inventory.
type PolicyResolution struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Valid       bool           `json:"valid"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
	Included    []Inclusion    `json:"included"`
	Excluded    []Exclusion    `json:"excluded"`
	Fallback    []FallbackMove `json:"included_via_fallback"`
	Counts      map[string]int `json:"counts"`
}

// Resolution is the outcome of every policy (docs/assignment.md).
type Resolution struct {
	Policies    []PolicyResolution `json:"policies"`
	Diagnostics []Diagnostic       `json:"diagnostics"`
}

// Explanation says in one sentence why a device does or does not receive a policy.
type Explanation struct {
	Policy   string         `json:"policy"`
	Device   string         `json:"device"`
	Included bool           `json:"included"`
	Reason   string         `json:"reason,omitempty"`
	Fallback *FallbackRoute `json:"included_via_fallback,omitempty"`
	Message  string         `json:"message"`
	Warnings []Warning      `json:"warnings"`
}

// PlanAction is one step that brings a device's installed profiles to the resolution.
type PlanAction struct {
	Action            string `json:"action"` // "install", "update", "remove"
	Device            string `json:"device"`
	Policy            string `json:"policy"`
	PayloadIdentifier string `json:"payload_identifier"`
	PayloadUUID       string `json:"payload_uuid,omitempty"`
}

// ReconciliationPlan is the list of actions Plan computes.
type ReconciliationPlan struct {
	Actions     []PlanAction `json:"actions"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Certificate describes one PEM certificate.
type Certificate struct {
	Subject           string `json:"subject"`
	Issuer            string `json:"issuer"`
	NotBefore         string `json:"not_before"`
	NotAfter          string `json:"not_after"`
	IsCA              bool   `json:"is_ca"`
	KeyType           string `json:"key_type"`
	KeyBits           int    `json:"key_bits"`
	Serial            string `json:"serial"`
	SHA256Fingerprint string `json:"sha256_fingerprint"`
}

// VersionInfo holds the library, policy-document and ABI versions.
type VersionInfo struct {
	Version       string `json:"version"`
	SchemaVersion int    `json:"schema_version"`
	ABIVersion    int    `json:"abi_version"`
}
