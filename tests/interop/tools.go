//go:build tools

// Package interop pins the real servers the interop scenarios run: NanoMDM and step-ca are built from these
// module versions by the test build (see CMakeLists.txt); none of their code is kept in this tree.
package interop

import (
	_ "github.com/micromdm/nanomdm/cmd/nanomdm"
	_ "github.com/smallstep/certificates/cmd/step-ca"
)
