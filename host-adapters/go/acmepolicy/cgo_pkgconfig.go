//go:build !acmepolicy_intree

package acmepolicy

// By default the binding links the installed library found by pkg-config (acmepolicy.pc).

// #cgo pkg-config: acmepolicy
import "C"
