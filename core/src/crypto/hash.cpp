// SHA-1, SHA-256 and HMAC-SHA-256 over mbedTLS.
#include "acmepolicy/crypto.hpp"

#include <stdexcept>

#include <mbedtls/md.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

namespace acmepolicy::crypto {

namespace {
const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

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

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
    Sha256Digest out{};
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    if (info == nullptr ||
        mbedtls_md_hmac(info, bytes_of(key), key.size(), bytes_of(data), data.size(), out.data()) != 0)
        throw std::runtime_error("HMAC-SHA-256 failed");
    return out;
}

}  // namespace acmepolicy::crypto
