// No signing backend (the default wasm build): the browser and Node API refuse signing before it gets
// here (wasm/README.md), so the module leaves mbedTLS's key and signature code out (about 8 KB gzip).
// Build with -DACMEPOLICY_WASM_SIGNING=ON to sign in wasm through crypto/mbedtls/ instead.
#include "crypto/signing_key.hpp"

namespace acmepolicy::detail {

struct SigningKey {};

void SigningKeyDeleter::operator()(SigningKey* key) const noexcept { delete key; }

SigningKeyLoad load_signing_key(std::string_view, std::string_view) {
    SigningKeyLoad out;
    out.error = "This build of the library cannot sign profiles; sign with the native library, the CLI or the server.";
    return out;
}

bool sign_digest(SigningKey&, const crypto::Sha256Digest&, std::string_view, std::string&, std::string& error) {
    error = "This build of the library cannot sign profiles.";
    return false;
}

}  // namespace acmepolicy::detail
