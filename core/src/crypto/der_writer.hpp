// A thin C++ face over mbedTLS's ASN.1 writer, which writes DER backwards from the end of a buffer
// (internal). Each call prepends one element and returns the bytes it wrote, so a structure is built
// from its last field to its first and closed with header(length, tag).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <mbedtls/asn1write.h>

namespace acmepolicy::detail {

class DerWriter {
public:
    explicit DerWriter(std::size_t capacity) : buffer_(capacity), p_(buffer_.data() + buffer_.size()) {}

    std::size_t raw(std::string_view bytes) {
        return check(mbedtls_asn1_write_raw_buffer(&p_, buffer_.data(), data(bytes), bytes.size()));
    }
    /// The tag and length in front of `content_length` bytes already written.
    std::size_t header(std::size_t content_length, unsigned char tag) {
        std::size_t n = check(mbedtls_asn1_write_len(&p_, buffer_.data(), content_length));
        return n + check(mbedtls_asn1_write_tag(&p_, buffer_.data(), tag));
    }
    /// `oid` in its DER content form (e.g. MBEDTLS_OID_PKCS7_DATA).
    std::size_t oid(std::string_view oid) {
        return check(mbedtls_asn1_write_oid(&p_, buffer_.data(), oid.data(), oid.size()));
    }
    std::size_t null() { return check(mbedtls_asn1_write_null(&p_, buffer_.data())); }
    std::size_t small_integer(int value) { return check(mbedtls_asn1_write_int(&p_, buffer_.data(), value)); }
    std::size_t octet_string(std::string_view bytes) {
        return check(mbedtls_asn1_write_octet_string(&p_, buffer_.data(), data(bytes), bytes.size()));
    }
    std::size_t tagged_string(int tag, std::string_view text) {
        return check(mbedtls_asn1_write_tagged_string(&p_, buffer_.data(), tag, text.data(), text.size()));
    }
    /// AlgorithmIdentifier SEQUENCE { oid, NULL if `null_parameters` }.
    std::size_t algorithm(std::string_view algorithm_oid, bool null_parameters) {
        std::size_t n = null_parameters ? null() : 0;
        n += oid(algorithm_oid);
        return n + header(n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    }

    /// Everything written so far.
    std::string bytes() const {
        return std::string(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(buffer_.data() + buffer_.size() - p_));
    }

private:
    static const unsigned char* data(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
    static std::size_t check(int written) {
        // The buffer is sized from the inputs, so running out is a bug, not bad input.
        if (written < 0) throw std::length_error("DER buffer too small");
        return static_cast<std::size_t>(written);
    }

    std::vector<unsigned char> buffer_;
    unsigned char* p_;
};

}  // namespace acmepolicy::detail
