// Command contract-answers answers the facade calls of tests/contract/calls.py through the Go binding's typed
// API and prints what the binding decoded, marshalled back to JSON: [{"label", "typed", "error"}]. "typed" is
// the binding's value (null when the call failed), "error" the library's whole answer of a failed call
// (*acmepolicy.Error's JSON). tests/contract compares both with the C ABI's answer to the same call and with
// docs/schemas, so a key the Go types drop, rename or invent fails there.
//
// Usage: contract-answers < CALLS.json
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"acmepolicy.dev/go/acmepolicy"
)

type call struct {
	Function string   `json:"function"`
	Inputs   []string `json:"inputs"`
	Label    string   `json:"label"`
}

type result struct {
	Label string          `json:"label"`
	Typed any             `json:"typed"`
	Error json.RawMessage `json:"error"`
	Skip  string          `json:"skip,omitempty"`
}

// options decodes a call's options text into the binding's options type; false when the text holds
// something the typed options cannot carry (the harness then skips the call: it tests the facade's own
// option checks, which a Go caller cannot reach).
func options[T any](text string) (T, bool) {
	var o T
	if text == "" {
		return o, true
	}
	return o, json.Unmarshal([]byte(text), &o) == nil
}

func answer(c call) result {
	in := func(i int) []byte { return []byte(c.Inputs[i]) }
	var typed any
	var err error
	switch c.Function {
	case "version":
		typed, err = acmepolicy.Versions()
	case "schema":
		typed, err = acmepolicy.Schema()
	case "validate":
		o, ok := options[acmepolicy.ValidateOptions](c.Inputs[1])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.ValidateWith(in(0), o)
	case "validate_set":
		o, ok := options[acmepolicy.ValidateOptions](c.Inputs[1])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.ValidateSet(in(0), o)
	case "render":
		o, ok := options[acmepolicy.RenderOptions](c.Inputs[1])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		var r acmepolicy.RenderResult
		_, r, err = acmepolicy.Render(in(0), o)
		typed = r
	case "verify_client_token":
		var request acmepolicy.ClientTokenRequest
		if json.Unmarshal(in(0), &request) != nil {
			return result{Label: c.Label, Skip: "request"}
		}
		var valid bool
		valid, err = acmepolicy.VerifyClientToken(request)
		typed = map[string]bool{"valid": valid}
	case "resolve":
		o, ok := options[acmepolicy.ResolveOptions](c.Inputs[2])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.Resolve(in(0), in(1), o)
	case "explain":
		o, ok := options[acmepolicy.ResolveOptions](c.Inputs[3])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.Explain(in(0), in(1), c.Inputs[2], o)
	case "plan":
		o, ok := options[acmepolicy.ResolveOptions](c.Inputs[3])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.Plan(in(0), in(1), in(2), o)
	case "parse_plist":
		var value map[string]any
		value, err = acmepolicy.ParseCheckin(in(0))
		typed = map[string]any{"value": value}
	case "inspect_certificate":
		typed, err = acmepolicy.InspectCertificate(in(0))
	case "parse_certificate_list":
		typed, err = acmepolicy.ParseCertificateList(in(0))
	case "certificate_status":
		var entry acmepolicy.InventoryEntry
		o, ok := options[acmepolicy.RenewalOptions](c.Inputs[2])
		if !ok || json.Unmarshal(in(1), &entry) != nil {
			return result{Label: c.Label, Skip: "entry or options"}
		}
		typed, err = acmepolicy.CertificateStatusOf(in(0), entry, o)
	case "plan_renewals":
		o, ok := options[acmepolicy.RenewalOptions](c.Inputs[2])
		if !ok {
			return result{Label: c.Label, Skip: "options"}
		}
		typed, err = acmepolicy.PlanRenewalsJSON(in(0), in(1), o)
	default:
		return result{Label: c.Label, Skip: "not offered by the Go binding"}
	}
	if err != nil {
		var e *acmepolicy.Error
		if errors.As(err, &e) {
			return result{Label: c.Label, Error: e.JSON}
		}
		return result{Label: c.Label, Skip: err.Error()}
	}
	return result{Label: c.Label, Typed: typed}
}

func main() {
	var calls []call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, "contract-answers: the calls are not JSON:", err)
		os.Exit(2)
	}
	out := make([]result, 0, len(calls))
	for _, c := range calls {
		out = append(out, answer(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
