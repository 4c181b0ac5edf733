package acmepolicy

// The facade calls that spare hosts the core's own knowledge: check-ins to device records, RemoveProfile
// from a recorded identifier, a policy's targets (docs/rendering.md, docs/assignment.md).

// #include <acmepolicy.h>
import "C"

import "encoding/json"

// CheckinOptions says which record a check-in's facts go into. The zero value maps the message alone.
type CheckinOptions struct {
	Device         json.RawMessage `json:"device,omitempty"`          // the current device record, when known
	ID             string          `json:"id,omitempty"`              // the record's id when Device is absent
	EnrollmentType string          `json:"enrollment_type,omitempty"` // NanoMDM's ids.type
}

// CheckinRecord is the device record a check-in or DeviceInformation answer gives.
type CheckinRecord struct {
	MessageType string          `json:"message_type"` // "Authenticate", "TokenUpdate", "DeviceInformation"
	Device      json.RawMessage `json:"device"`       // the device record
	UserChannel bool            `json:"user_channel"` // a user's channel: leave it alone
	Changed     bool            `json:"changed"`      // the record differs from opts.Device
	Diagnostics []Diagnostic    `json:"diagnostics"`  // none when the message was mapped
}

// DeviceFromCheckin maps an Authenticate or TokenUpdate check-in, or a DeviceInformation answer (XML plist
// bytes, as in a NanoMDM webhook's raw_payload), to the device record by the core's rules. A message that
// cannot be mapped gives an *Error with StatusInvalidInput and checkin.* or plist.* diagnostics.
func DeviceFromCheckin(plist []byte, opts CheckinOptions) (CheckinRecord, error) {
	return withOptions[CheckinRecord](opts, func(options []byte) answer {
		var out C.acmepolicy_buffer
		p, pl := cInput(plist)
		o, ol := cInput(options)
		s := C.acmepolicy_device_from_checkin(p, pl, o, ol, &out)
		return answer{status: Status(s), json: take(&out)}
	}, StatusOK)
}

// RemoveOptions names the profile to remove: PayloadIdentifier as recorded (a plan action's or the state's),
// or PolicyID (and IdentifierPrefix) for the core to derive it; plus CommandUUID or RandomHex.
type RemoveOptions struct {
	PayloadIdentifier string `json:"payload_identifier,omitempty"`
	PolicyID          string `json:"policy_id,omitempty"`
	IdentifierPrefix  string `json:"identifier_prefix,omitempty"`
	CommandUUID       string `json:"command_uuid,omitempty"`
	RandomHex         string `json:"random_hex,omitempty"`
}

// RenderRemoveCommand renders the RemoveProfile command without the policy document and returns its bytes
// and metadata (Format "remove-command", PayloadIdentifier).
func RenderRemoveCommand(opts RemoveOptions) ([]byte, RenderResult, error) {
	options, err := json.Marshal(opts)
	if err != nil {
		return nil, RenderResult{}, err
	}
	var out, bytes C.acmepolicy_buffer
	o, ol := cInput(options)
	s := C.acmepolicy_render_remove_command(o, ol, &out, &bytes)
	return decodeRender(answer{status: Status(s), json: take(&out), bytes: take(&bytes)})
}

// Targets is whom a policy targets and where it falls back, as the core reads the document.
type Targets struct {
	ID      string `json:"id"`
	Targets struct {
		DeviceGroups []string `json:"device_groups"`
		Devices      []string `json:"devices"`
	} `json:"targets"`
	Fallback *struct {
		Policy string   `json:"policy"`
		When   []string `json:"when"`
	} `json:"fallback"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// PolicyTargets reads a policy's targets and fallback. A document with shape errors gives an *Error with
// StatusInvalidInput.
func PolicyTargets(policy []byte) (Targets, error) {
	var out C.acmepolicy_buffer
	p, pl := cInput(policy)
	s := C.acmepolicy_policy_targets(p, pl, &out)
	var t Targets
	return t, answer{status: Status(s), json: take(&out)}.decode(&t, StatusOK)
}
