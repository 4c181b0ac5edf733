// SHA-1, SHA-256 and HMAC-SHA-256: the digests over OpenSSL natively (its SHA extensions code is several
// times faster than mbedTLS 2.28 on the profiles and UUID names hashed per device), over mbedTLS in wasm.
#include "acmepolicy/crypto.hpp"

#include <stdexcept>

#include <mbedtls/md.h>
#if ACMEPOLICY_CRYPTO_OPENSSL
#include <openssl/evp.h>
#else
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#endif

namespace acmepolicy::crypto {

namespace {
const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

#if ACMEPOLICY_CRYPTO_OPENSSL
namespace {

/// OpenSSL 3's one-shot SHA1()/SHA256() look the algorithm up (under a lock) on every call, which costs
/// as much as hashing a short name: fetch each algorithm once, and keep one context per thread.
const EVP_MD* fetched(const char* name) {
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    if (md == nullptr) throw std::runtime_error(std::string(name) + " is not available from OpenSSL");
    return md;  // kept for the life of the process
}

struct ThreadContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~ThreadContext() { EVP_MD_CTX_free(ctx); }
};

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, std::string_view data) {
    thread_local ThreadContext context;
    std::array<std::uint8_t, N> out{};
    unsigned int length = 0;
    if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, md, nullptr) != 1 ||
        EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(context.ctx, out.data(), &length) != 1 || length != N)
        throw std::runtime_error("hashing failed");
    return out;
}

}  // namespace

Sha1Digest sha1(std::string_view data) {
    static const EVP_MD* const md = fetched("SHA1");
    return digest<20>(md, data);
}

Sha256Digest sha256(std::string_view data) {
    static const EVP_MD* const md = fetched("SHA256");
    return digest<32>(md, data);
}
#else
Sha1Digest sha1(std::string_view data) {
    Sha1Digest out{};
    // The one-shot functions only fail on hardware-accelerator errors, which this build never uses.
    if (mbedtls_sha1_ret(bytes_of(data), data.size(), out.data()) != 0)
        throw std::runtime_error("SHA-1 failed");
    return out;
}

Sha256Digest sha256(std::string_view data) {
    Sha256Digest out{};
    if (mbedtls_sha256_ret(bytes_of(data), data.size(), out.data(), 0) != 0)
        throw std::runtime_error("SHA-256 failed");
    return out;
}
#endif

// HMAC stays on mbedTLS in both builds: OpenSSL 3's one-shot HMAC fetches its algorithm on every call,
// which costs more than the short messages (client tokens) it signs here.
Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest out{};
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    if (info == nullptr ||
        mbedtls_md_hmac(info, bytes_of(key), key.size(), bytes_of(data), data.size(), out.data()) != 0)
        throw std::runtime_error("HMAC-SHA-256 failed");
    return out;
}

}  // namespace acmepolicy::crypto
