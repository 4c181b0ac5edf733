#!/usr/bin/env bash
# Installs the Debian packages acmepolicy builds and tests with; a no-op when they are all present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3 openssl git ccache
  nlohmann-json3-dev libmbedtls-dev libssl-dev libsqlite3-dev libpq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev valgrind
  emscripten node-acorn nodejs npm
  libcpp-httplib-dev
  chromium postgresql
  python3-jsonschema python3-yaml python3-venv
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node and npm may come from outside Debian on some machines; accept any node >= 18 on PATH.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-prereqs: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
