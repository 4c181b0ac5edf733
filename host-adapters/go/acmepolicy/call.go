package acmepolicy

// The one place that crosses into C: Go bytes are passed as (pointer, length) without copying, and every
// buffer the library returns is copied into Go memory and freed before the call returns.

// #include <stdlib.h>
// #include <acmepolicy.h>
import "C"

import (
	"encoding/json"
	"unsafe"
)

// cInput views b as a C (pointer, length) pair; nil and empty slices become (NULL, 0). The pointer is only
// used for the duration of the C call, as cgo's pointer rules require.
func cInput(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// take copies a library buffer into Go memory and frees it.
func take(buffer *C.acmepolicy_buffer) []byte {
	defer C.acmepolicy_free(buffer)
	if buffer.data == nil {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(buffer.data), C.int(buffer.len))
}

// answer is what one C call gave back, already in Go memory.
type answer struct {
	status Status
	json   []byte
	bytes  []byte
}

// newError builds the *Error for an answer whose status the caller does not accept.
func (a answer) err() *Error {
	e := &Error{Status: a.status, JSON: a.json}
	var doc struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		Diagnostics []Diagnostic `json:"diagnostics"`
	}
	if json.Unmarshal(a.json, &doc) == nil {
		if doc.Error != nil {
			e.Code, e.Message = doc.Error.Code, doc.Error.Message
		}
		e.Diagnostics = doc.Diagnostics
	}
	return e
}

// decode unmarshals the answer's JSON into out when its status is one of accept, and returns an *Error
// otherwise.
func (a answer) decode(out any, accept ...Status) error {
	for _, s := range accept {
		if a.status == s {
			if err := json.Unmarshal(a.json, out); err != nil {
				return &Error{Status: StatusInternalError, Code: "binding.decode",
					Message: "the library's answer could not be decoded: " + err.Error(), JSON: a.json}
			}
			return nil
		}
	}
	return a.err()
}

func callVersion() answer {
	var out C.acmepolicy_buffer
	s := C.acmepolicy_version_json(&out)
	return answer{status: Status(s), json: take(&out)}
}

func callValidate(policy, options []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(policy)
	o, ol := cInput(options)
	s := C.acmepolicy_validate(p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callValidateSet(policies, options []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(policies)
	o, ol := cInput(options)
	s := C.acmepolicy_validate_set(p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callRender(policy, options []byte) answer {
	var out, bytes C.acmepolicy_buffer
	p, pl := cInput(policy)
	o, ol := cInput(options)
	s := C.acmepolicy_render(p, pl, o, ol, &out, &bytes)
	return answer{status: Status(s), json: take(&out), bytes: take(&bytes)}
}

func callVerifyClientToken(request []byte) answer {
	var out C.acmepolicy_buffer
	r, rl := cInput(request)
	s := C.acmepolicy_verify_client_token(r, rl, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callResolve(inventory, policies, options []byte) answer {
	var out C.acmepolicy_buffer
	i, il := cInput(inventory)
	p, pl := cInput(policies)
	o, ol := cInput(options)
	s := C.acmepolicy_resolve(i, il, p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callExplain(inventory, policy, deviceID, options []byte) answer {
	var out C.acmepolicy_buffer
	i, il := cInput(inventory)
	p, pl := cInput(policy)
	d, dl := cInput(deviceID)
	o, ol := cInput(options)
	s := C.acmepolicy_explain(i, il, p, pl, d, dl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callPlan(inventory, policies, state, options []byte) answer {
	var out C.acmepolicy_buffer
	i, il := cInput(inventory)
	p, pl := cInput(policies)
	st, stl := cInput(state)
	o, ol := cInput(options)
	s := C.acmepolicy_plan(i, il, p, pl, st, stl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callParsePlist(plist []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(plist)
	s := C.acmepolicy_parse_plist(p, pl, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callInspectCertificate(pem, options []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(pem)
	o, ol := cInput(options)
	s := C.acmepolicy_inspect_certificate(p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func statusString(s Status) string {
	return C.GoString(C.acmepolicy_status_string(C.acmepolicy_status(s)))
}

func libraryVersion() string {
	return C.GoString(C.acmepolicy_version())
}

func callParseCertificateList(plist, options []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(plist)
	o, ol := cInput(options)
	s := C.acmepolicy_parse_certificate_list(p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callCertificateStatus(policy, entry, options []byte) answer {
	var out C.acmepolicy_buffer
	p, pl := cInput(policy)
	e, el := cInput(entry)
	o, ol := cInput(options)
	s := C.acmepolicy_certificate_status(p, pl, e, el, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}

func callPlanRenewals(inventory, policies, options []byte) answer {
	var out C.acmepolicy_buffer
	i, il := cInput(inventory)
	p, pl := cInput(policies)
	o, ol := cInput(options)
	s := C.acmepolicy_plan_renewals(i, il, p, pl, o, ol, &out)
	return answer{status: Status(s), json: take(&out)}
}
