#!/usr/bin/env bash
# Makes a throw-away signing identity with the real openssl for the C ABI tests: a self-signed P-256
# certificate (signer.pem) and its PKCS#8 key (signer.key) in the folder given as $1.
set -euo pipefail
out=$1
mkdir -p "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/O=acmepolicy tests/CN=c_abi signer" \
  -keyout "$out/signer.key" -out "$out/signer.pem" 2>/dev/null
echo "signing identity in $out"
