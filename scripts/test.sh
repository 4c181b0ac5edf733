#!/usr/bin/env bash
# The one test command: installs prerequisites, builds the native, asan, wasm and fuzz presets, and runs
# every suite (GoogleTest, CLI, Node, Go, browser, server integration, fuzzers for a bounded time).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)
werror=OFF; [ "${CI:-}" = "true" ] && werror=ON

step() { printf '\n=== %s (%s) ===\n' "$*" "$(date -u +%H:%M:%S)"; }
# Several build trees (native, asan, fuzz) and fresh clones in other folders share ccache's objects when
# paths are taken relative to the checkout.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

step "prerequisites"
bash scripts/install-prereqs.sh
[ -d web/node_modules ] || [ ! -f web/package-lock.json ] || (cd web && npm ci --no-audit --no-fund)
[ -d wasm/node_modules ] || [ ! -f wasm/package-lock.json ] || (cd wasm && npm ci --no-audit --no-fund)

step "wasm build"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$jobs"

step "native build and tests"
cmake --preset native -DACMEPOLICY_WERROR=$werror >/dev/null
cmake --build --preset native -j "$jobs"
ctest --preset native -j "$jobs"

step "asan build and tests"
cmake --preset asan -DACMEPOLICY_WERROR=$werror >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -LE 'no-asan'

step "fuzzers (bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

step "done"
echo "all suites passed"
