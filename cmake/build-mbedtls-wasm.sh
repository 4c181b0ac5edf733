#!/usr/bin/env bash
# Builds Debian's mbedTLS source package (the same version as libmbedtls-dev) for wasm into DEPS/mbedtls-wasm.
# The sources are fetched at build time from Debian's registry and never committed.
set -euo pipefail
deps=${1:?usage: build-mbedtls-wasm.sh DEPS_DIR}
mkdir -p "$deps/mbedtls-src"
export NODE_PATH=/usr/share/nodejs
cd "$deps/mbedtls-src"
if ! ls mbedtls_*.orig.tar.* >/dev/null 2>&1; then
  sources=/etc/apt/sources.list.d/debian.sources
  if [ -f "$sources" ] && ! grep -q 'deb-src' "$sources"; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' "$sources"
    apt-get update -qq
  fi
  apt-get source --download-only mbedtls >/dev/null 2>&1 || { apt-get update -qq; apt-get source --download-only mbedtls; }
fi
tarball=$(ls mbedtls_*.orig.tar.* | head -n 1)
rm -rf src && mkdir src && tar -xf "$tarball" -C src --strip-components=1
emcmake cmake -S src -B build -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="-Oz" -DCMAKE_INSTALL_PREFIX="$deps/mbedtls-wasm" >/dev/null
emmake make -C build -j"$(nproc)" install >/dev/null
echo "mbedTLS for wasm installed in $deps/mbedtls-wasm"
