#!/usr/bin/env bash
# The main job: installs prerequisites, builds acmepolicy (native and wasm), and starts the server with the
# portal and an SQLite store on 127.0.0.1:8080. Extra arguments go to `acmepolicy serve` (see docs/server.md;
# e.g. --nanomdm-url URL --nanomdm-api-key KEY --webhook-hmac-key KEY).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
bash scripts/install-prereqs.sh
echo "serve.sh: building the wasm package (portal engine)..." >&2
cmake --preset wasm >/dev/null && cmake --build --preset wasm -j "$(nproc)" >/dev/null
echo "serve.sh: building the acmepolicy binary..." >&2
cmake --preset native >/dev/null && cmake --build --preset native -j "$(nproc)" --target acmepolicy >/dev/null
exec build/native/host-adapters/cli/acmepolicy serve "$@"
