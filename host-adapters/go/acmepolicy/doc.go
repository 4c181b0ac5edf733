// Package acmepolicy validates, renders and resolves Apple ACME certificate policies
// (com.apple.security.acme, iOS/iPadOS 16+) by calling libacmepolicy.so through its C ABI.
//
// Every function is safe for concurrent use: the library has no global state and returns each result
// from the call that produced it. Memory allocated by the library is copied into Go values and freed
// before a function returns; nothing needs closing.
//
// Build: by default cgo finds the library with pkg-config (`acmepolicy.pc` from `cmake --install`); the
// build tag `acmepolicy_intree` uses a build tree instead (see docs/c-abi.md).
//
//	report, err := acmepolicy.Validate(policyJSON)
//	if err != nil { ... }          // the call failed (not JSON? see err.(*acmepolicy.Error))
//	if !report.Valid { ... }       // the policy has errors: report.Diagnostics says which and how to fix
package acmepolicy
