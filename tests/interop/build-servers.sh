#!/usr/bin/env bash
# Builds the real servers the interop scenarios run, from the module versions pinned in go.mod/go.sum, plus
# the scenarios' test binary and the Go NanoMDM hook: build-servers.sh OUT_DIR LIBACMEPOLICY_DIR.
# Go's own caches make a second run quick; a fresh machine downloads the modules through the module proxy.
set -euo pipefail
out=$1 libdir=$2
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-go}
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
version=$("$go" env GOVERSION)
minor=$(echo "$version" | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt 25 ]; then
  echo "interop: $go is $version; step-ca needs Go 1.25 or newer (Debian's golang-go is too old)" >&2
  exit 1
fi
mkdir -p "$out"
cd "$here"
step() { printf 'interop build: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
step "NanoMDM"
"$go" build -o "$out/nanomdm" github.com/micromdm/nanomdm/cmd/nanomdm
# step-ca's YubiKey support needs cgo and PC/SC headers; the scenarios use none of it.
step "step-ca"
CGO_ENABLED=0 "$go" build -o "$out/step-ca" github.com/smallstep/certificates/cmd/step-ca
step "scenarios"
"$go" vet ./...
"$go" test -c -o "$out/interop.test" .
step "nanomdm-hook"
cd "$here/../../host-adapters/go"
CGO_ENABLED=1 CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir" \
  "$go" build -tags acmepolicy_intree -o "$out/nanomdm-hook" ./cmd/nanomdm-hook
step "done"
