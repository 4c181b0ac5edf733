// Signing keys over mbedTLS (the wasm build): PEM parsing, the key/certificate pair check and
// mbedtls_pk_sign over a SHA-256 digest, with a CTR_DRBG seeded from the caller's bytes per signature.
#include "crypto/signing_key.hpp"

#include <algorithm>
#include <cstdint>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

namespace acmepolicy::detail {

struct SigningKey {
    mbedtls_pk_context key;

    SigningKey() { mbedtls_pk_init(&key); }
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    ~SigningKey() { mbedtls_pk_free(&key); }
};

void SigningKeyDeleter::operator()(SigningKey* key) const noexcept { delete key; }

namespace {

std::string mbedtls_message(int rc) {
    char buffer[160];
    mbedtls_strerror(rc, buffer, sizeof buffer);
    return buffer;
}

/// Feeds the caller's seed to CTR_DRBG as its "entropy": SHA-256(seed || counter) blocks, as many as asked.
struct SeedSource {
    std::string_view seed;
    std::uint32_t counter = 0;
};

int seed_entropy(void* context, unsigned char* out, std::size_t length) {
    auto* source = static_cast<SeedSource*>(context);
    while (length > 0) {
        std::string block(source->seed);
        for (int shift = 24; shift >= 0; shift -= 8) block += static_cast<char>((source->counter >> shift) & 0xFF);
        ++source->counter;
        const crypto::Sha256Digest digest = crypto::sha256(block);
        const std::size_t n = std::min(length, digest.size());
        std::copy_n(digest.begin(), n, out);
        out += n;
        length -= n;
    }
    return 0;
}

/// A CTR_DRBG seeded from caller bytes; `error` is set when seeding fails.
class Drbg {
public:
    Drbg(std::string_view seed, std::string& error) : source_{seed} {
        mbedtls_ctr_drbg_init(&ctx_);
        static constexpr char kPersonalisation[] = "acmepolicy cms";
        const int rc = mbedtls_ctr_drbg_seed(&ctx_, seed_entropy, &source_,
                                             reinterpret_cast<const unsigned char*>(kPersonalisation),
                                             sizeof kPersonalisation - 1);
        if (rc != 0) error = "Seeding the random generator failed: " + mbedtls_message(rc) + ".";
    }
    ~Drbg() { mbedtls_ctr_drbg_free(&ctx_); }
    Drbg(const Drbg&) = delete;
    Drbg& operator=(const Drbg&) = delete;

    mbedtls_ctr_drbg_context* context() { return &ctx_; }

private:
    SeedSource source_;
    mbedtls_ctr_drbg_context ctx_;
};

}  // namespace

SigningKeyLoad load_signing_key(std::string_view key_pem, std::string_view certificate_der) {
    SigningKeyLoad out;
    SigningKeyPtr signing(new SigningKey);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int rc = mbedtls_x509_crt_parse_der(&crt, reinterpret_cast<const unsigned char*>(certificate_der.data()),
                                        certificate_der.size());
    // mbedTLS reads PEM keys from NUL-terminated text whose length counts the NUL.
    const std::string key_text(key_pem);
    if (rc == 0)
        rc = mbedtls_pk_parse_key(&signing->key, reinterpret_cast<const unsigned char*>(key_text.c_str()),
                                  key_text.size() + 1, nullptr, 0);
    if (rc != 0) {
        mbedtls_x509_crt_free(&crt);
        out.error = "The signing key cannot be read (" + mbedtls_message(rc) +
                    "); give an unencrypted PEM key: \"RSA PRIVATE KEY\", \"EC PRIVATE KEY\" or \"PRIVATE KEY\".";
        return out;
    }
    const mbedtls_pk_type_t type = mbedtls_pk_get_type(&signing->key);
    if (type != MBEDTLS_PK_RSA && type != MBEDTLS_PK_ECKEY && type != MBEDTLS_PK_ECDSA) {
        mbedtls_x509_crt_free(&crt);
        out.error = "The signing key must be an RSA or EC key.";
        return out;
    }
    rc = mbedtls_pk_check_pair(&crt.pk, &signing->key);
    mbedtls_x509_crt_free(&crt);
    if (rc != 0) {
        out.error = "The signing key does not belong to the signing certificate; give the matching pair.";
        return out;
    }
    out.is_rsa = type == MBEDTLS_PK_RSA;
    out.key = std::move(signing);
    return out;
}

bool sign_digest(SigningKey& key, const crypto::Sha256Digest& digest, std::string_view random_seed,
                 std::string& signature, std::string& error) {
    // ECDSA nonces are deterministic (RFC 6979, MBEDTLS_ECDSA_DETERMINISTIC in Debian's mbedTLS 2.28):
    // the DRBG only feeds the side-channel blinding, so the signature depends on the inputs alone.
    Drbg drbg(random_seed, error);
    if (!error.empty()) return false;
    unsigned char buffer[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    std::size_t length = 0;
    const int rc = mbedtls_pk_sign(&key.key, MBEDTLS_MD_SHA256, digest.data(), digest.size(), buffer, &length,
                                   mbedtls_ctr_drbg_random, drbg.context());
    if (rc != 0) {
        error = "Signing failed: " + mbedtls_message(rc) + ".";
        return false;
    }
    signature.assign(reinterpret_cast<const char*>(buffer), length);
    return true;
}

}  // namespace acmepolicy::detail
