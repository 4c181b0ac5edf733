package acmepolicy

import (
	"encoding/json"
)

// withOptions marshals opts to JSON, hands it to call and decodes the answer into a T when its status is
// one of accept.
func withOptions[T any](opts any, call func(options []byte) answer, accept ...Status) (T, error) {
	var r T
	options, err := json.Marshal(opts)
	if err != nil {
		return r, err
	}
	err = call(options).decode(&r, accept...)
	return r, err
}

// Version is the library's version ("MAJOR.MINOR.PATCH").
func Version() string { return libraryVersion() }

// Versions returns the library, policy-document (schema) and ABI versions.
func Versions() (VersionInfo, error) {
	var v VersionInfo
	return v, callVersion().decode(&v, StatusOK)
}

// Validate validates one policy document. An invalid policy is not an error: the report says
// Valid=false and lists the diagnostics. err is an *Error when the call itself fails.
func Validate(policy []byte) (Report, error) {
	return ValidateWith(policy, ValidateOptions{})
}

// ValidateWith is Validate with options.
func ValidateWith(policy []byte, opts ValidateOptions) (Report, error) {
	return withOptions[Report](opts, func(options []byte) answer {
		return callValidate(policy, options)
	}, StatusOK, StatusInvalidInput)
}

// ValidateSet validates a JSON array of policy documents, each alone and as a set.
func ValidateSet(policies []byte, opts ValidateOptions) (SetReport, error) {
	return withOptions[SetReport](opts, func(options []byte) answer {
		return callValidateSet(policies, options)
	}, StatusOK, StatusInvalidInput)
}

// Render renders a policy into the document opts.Format names and returns its bytes and metadata.
// An invalid policy renders nothing: err is then an *Error with Status StatusInvalidInput and the
// policy's diagnostics.
func Render(policy []byte, opts RenderOptions) ([]byte, RenderResult, error) {
	options, err := json.Marshal(opts)
	if err != nil {
		return nil, RenderResult{}, err
	}
	return decodeRender(callRender(policy, options))
}

// decodeRender reads a render answer: the rendered bytes, and the metadata both typed and as raw JSON.
func decodeRender(a answer) ([]byte, RenderResult, error) {
	var r RenderResult
	if err := a.decode(&r, StatusOK); err != nil {
		return nil, r, err
	}
	if err := json.Unmarshal(a.json, &r.Metadata); err != nil {
		return nil, r, err
	}
	return a.bytes, r, nil
}

// VerifyClientToken reports whether req.Token is the client_token for the policy and device.
func VerifyClientToken(req ClientTokenRequest) (bool, error) {
	request, err := json.Marshal(req)
	if err != nil {
		return false, err
	}
	var r struct {
		Valid bool `json:"valid"`
	}
	if err := callVerifyClientToken(request).decode(&r, StatusOK); err != nil {
		return false, err
	}
	return r.Valid, nil
}

// Resolve works out which devices of the inventory receive which policies (a JSON array), and why the
// others do not.
func Resolve(inventory, policies []byte, opts ResolveOptions) (Resolution, error) {
	return withOptions[Resolution](opts, func(options []byte) answer {
		return callResolve(inventory, policies, options)
	}, StatusOK)
}

// Explain says why one device does or does not receive one policy. A device missing from the
// inventory gives an *Error with StatusNotFound.
func Explain(inventory, policy []byte, deviceID string, opts ResolveOptions) (Explanation, error) {
	return withOptions[Explanation](opts, func(options []byte) answer {
		return callExplain(inventory, policy, []byte(deviceID), options)
	}, StatusOK)
}

// Plan computes the install/update/remove actions that bring the devices' current state (what they
// have installed) to the resolution of the policies.
func Plan(inventory, policies, state []byte, opts ResolveOptions) (ReconciliationPlan, error) {
	return withOptions[ReconciliationPlan](opts, func(options []byte) answer {
		return callPlan(inventory, policies, state, options)
	}, StatusOK)
}

// ParseCheckin reads an MDM check-in message (an XML property list, as found base64-encoded in a NanoMDM
// webhook's raw_payload) into a map. Dates become RFC 3339 strings and data becomes base64 strings.
func ParseCheckin(plist []byte) (map[string]any, error) {
	var r struct {
		Value any `json:"value"`
	}
	if err := callParsePlist(plist).decode(&r, StatusOK); err != nil {
		return nil, err
	}
	m, ok := r.Value.(map[string]any)
	if !ok {
		return nil, &Error{Status: StatusInvalidInput, Code: "checkin.not_dictionary",
			Message: "a check-in message is a property list whose top-level value is a dictionary"}
	}
	return m, nil
}

// InspectCertificate describes one PEM certificate.
func InspectCertificate(pem []byte) (Certificate, error) {
	var c Certificate
	return c, callInspectCertificate(pem, nil).decode(&c, StatusOK)
}
