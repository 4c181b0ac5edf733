// SHA-1 fed in parts whose state can be kept and copied (internal): a name prefix shared by many
// UUIDv5 names is hashed once and each name resumes from a copy of that state.
#pragma once

#include <string_view>

#include "acmepolicy/crypto.hpp"

#if ACMEPOLICY_CRYPTO_OPENSSL
// The low-level SHA1_* calls are deprecated by OpenSSL 3 in favour of EVP, but EVP allocates a context
// per digest and cannot copy one without allocating again: for short names that costs as much as the
// hashing. Their state is a plain struct, copied by assignment.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#else
#include <mbedtls/sha1.h>
#endif

namespace acmepolicy::detail {

class Sha1Stream {
public:
    Sha1Stream() {
#if ACMEPOLICY_CRYPTO_OPENSSL
        SHA1_Init(&state_);
#else
        mbedtls_sha1_init(&state_);
        mbedtls_sha1_starts_ret(&state_);
#endif
    }

    void update(std::string_view bytes) {
#if ACMEPOLICY_CRYPTO_OPENSSL
        SHA1_Update(&state_, bytes.data(), bytes.size());
#else
        mbedtls_sha1_update_ret(&state_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
#endif
    }

    /// The digest of everything fed so far; the stream is spent afterwards (assign a fresh copy to reuse).
    crypto::Sha1Digest finish() {
        crypto::Sha1Digest out{};
#if ACMEPOLICY_CRYPTO_OPENSSL
        SHA1_Final(out.data(), &state_);
#else
        mbedtls_sha1_finish_ret(&state_, out.data());
#endif
        return out;
    }

private:
#if ACMEPOLICY_CRYPTO_OPENSSL
    SHA_CTX state_;
#else
    mbedtls_sha1_context state_;  // a plain struct in mbedTLS 2.28 (mbedtls_sha1_clone is an assignment)
#endif
};

}  // namespace acmepolicy::detail
