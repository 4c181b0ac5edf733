// The private half of a signing identity, behind whichever library signs (internal). Natively that is
// OpenSSL's libcrypto (crypto/openssl/), in the wasm build mbedTLS (crypto/mbedtls/); exactly one of the
// two is compiled, and cms.cpp builds the CMS structure around either the same way.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "acmepolicy/crypto.hpp"

namespace acmepolicy::detail {

/// A parsed private key, owned by its backend.
struct SigningKey;
struct SigningKeyDeleter {
    void operator()(SigningKey* key) const noexcept;
};
using SigningKeyPtr = std::unique_ptr<SigningKey, SigningKeyDeleter>;

/// The result of load_signing_key: `key` unless `error` (a sentence) is set.
struct SigningKeyLoad {
    SigningKeyPtr key;
    bool is_rsa = false;  // RSA, else EC
    std::string error;
};

/// Parses an unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8; RSA or EC) and checks that it belongs
/// to the certificate `certificate_der`. Never throws for bad input and never prompts for a passphrase.
SigningKeyLoad load_signing_key(std::string_view key_pem, std::string_view certificate_der);

/// Signs a SHA-256 digest: a PKCS#1 v1.5 block for RSA, a DER ECDSA-Sig-Value for EC. `random_seed` is
/// the caller's randomness (at least cms::kMinRandomSeedBytes, checked by the caller); how a backend uses it
/// is said in cms.hpp. Returns false with `error` set when the library fails.
bool sign_digest(SigningKey& key, const crypto::Sha256Digest& digest, std::string_view random_seed,
                 std::string& signature, std::string& error);

}  // namespace acmepolicy::detail
