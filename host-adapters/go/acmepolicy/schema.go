package acmepolicy

// Schema(): the core's own tables, decoded into Go types. Build constants and pickers from it; never keep a
// copy of a list it holds (docs/schema.md).

// #include <acmepolicy.h>
import "C"

// SchemaInfo is the answer of acmepolicy_schema: every table the core validates, reads and resolves with.
type SchemaInfo struct {
	SchemaVersion       int                 `json:"schema_version"`
	Version             string              `json:"version"`
	Variables           []SchemaVariable    `json:"variables"`
	DeviceRecordKeys    []DeviceRecordKey   `json:"device_record_keys"`
	PayloadKeys         []PayloadKey        `json:"payload_keys"`
	KeySizes            []KeySizeRule       `json:"key_sizes"`
	Codes               []CodeInfo          `json:"codes"`
	Assignment          AssignmentNames     `json:"assignment"`
	AttestationHardware AttestationHardware `json:"attestation_hardware"`
}

// SchemaVariable is one template variable; Enrollment tells, per enrollment type ("ade", "device",
// "user"), whether such a device can provide it.
type SchemaVariable struct {
	Name            string          `json:"name"`
	Enrollment      map[string]bool `json:"enrollment"`
	AlwaysAvailable bool            `json:"always_available"`
}

// DeviceRecordKey is one key of the device-record document; Values lists an enumerated string's spellings.
type DeviceRecordKey struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Values   []string `json:"values,omitempty"`
}

// PayloadKey is one com.apple.security.acme key; Platforms maps a platform (iOS covers iPadOS) to the first
// OS version that reads it (absent: the platform ignores it).
type PayloadKey struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Required  bool              `json:"required"`
	Platforms map[string]string `json:"platforms"`
	Default   any               `json:"default,omitempty"`
	Keys      []string          `json:"keys,omitempty"`
}

// KeySizeRule is what one (KeyType, HardwareBound) accepts: a list of Sizes, or Min..Max in steps of
// MultipleOf; Allowed false means no size is valid.
type KeySizeRule struct {
	KeyType       string  `json:"key_type"`
	HardwareBound bool    `json:"hardware_bound"`
	Allowed       bool    `json:"allowed"`
	Sizes         []int64 `json:"sizes,omitempty"`
	Min           int64   `json:"min,omitempty"`
	Max           int64   `json:"max,omitempty"`
	MultipleOf    int64   `json:"multiple_of,omitempty"`
	WeakBelow     int64   `json:"weak_below,omitempty"`
	Weak          []int64 `json:"weak,omitempty"`
}

// Accepts reports whether size is valid for the combination (weak sizes included).
func (r KeySizeRule) Accepts(size int64) bool {
	if !r.Allowed {
		return false
	}
	if len(r.Sizes) > 0 {
		for _, s := range r.Sizes {
			if s == size {
				return true
			}
		}
		return false
	}
	return r.MultipleOf > 0 && size >= r.Min && size <= r.Max && size%r.MultipleOf == 0
}

// CodeInfo is one diagnostic code of validation, with its severity and meaning.
type CodeInfo struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Meaning  string `json:"meaning"`
}

// AssignmentNames are the public spellings of resolution: exclusion reasons (in precedence order), warnings
// and fallback conditions.
type AssignmentNames struct {
	ExclusionReasons   []string `json:"exclusion_reasons"`
	Warnings           []string `json:"warnings"`
	FallbackConditions []string `json:"fallback_conditions"`
	MinimumOSVersion   string   `json:"minimum_os_version"`
}

// AttestationHardware is the attestation-capable hardware table and where it comes from.
type AttestationHardware struct {
	Source   string              `json:"source"`
	Families []AttestationFamily `json:"families"`
}

// AttestationFamily is one family of model identifiers ("iPad8,1"); FirstCapableMajor is nil when no model
// of the family attests.
type AttestationFamily struct {
	Prefix            string  `json:"prefix"`
	Device            string  `json:"device"`
	IgnoredOn         string  `json:"ignored_on"`
	FirstCapableMajor *uint32 `json:"first_capable_major"`
	FirstChip         string  `json:"first_chip"`
}

func callSchema() answer {
	var out C.acmepolicy_buffer
	s := C.acmepolicy_schema(&out)
	return answer{status: Status(s), json: take(&out)}
}

// SchemaJSON returns the core's tables as the library gives them (the bytes of acmepolicy_schema).
func SchemaJSON() ([]byte, error) {
	a := callSchema()
	if a.status != StatusOK {
		return nil, a.err()
	}
	return a.json, nil
}

// Schema returns the core's tables decoded.
func Schema() (SchemaInfo, error) {
	var s SchemaInfo
	return s, callSchema().decode(&s, StatusOK)
}
