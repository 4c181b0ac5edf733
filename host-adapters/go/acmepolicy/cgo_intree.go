//go:build acmepolicy_intree

package acmepolicy

// With the acmepolicy_intree tag the binding uses the header of this source tree; the build tree's
// libacmepolicy.so comes from CGO_LDFLAGS="-L<build>/host-adapters/c -Wl,-rpath,<build>/host-adapters/c"
// (CTest sets it).

// #cgo CFLAGS: -I${SRCDIR}/../../c/include
// #cgo LDFLAGS: -lacmepolicy
import "C"
