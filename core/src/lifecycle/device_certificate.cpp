// One DER certificate from a device into a DeviceCertificate: one mbedTLS parse gives the description,
// the names as (OID, value) attributes and the subjectAltName entries matching needs.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>

#include <mbedtls/asn1.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "crypto/certificate_info.hpp"

namespace acmepolicy {
namespace {

// The otherName type of a Microsoft user principal name (ntPrincipalName in Apple's payload).
constexpr unsigned char kUpnOid[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03};

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// BMPString (UTF-16 big-endian) to UTF-8; a broken surrogate becomes U+FFFD, so the value cannot match.
std::string bmp_to_utf8(const unsigned char* p, std::size_t len) {
    std::string out;
    for (std::size_t i = 0; i + 1 < len; i += 2) {
        unsigned cp = (static_cast<unsigned>(p[i]) << 8) | p[i + 1];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < len) {
            const unsigned low = (static_cast<unsigned>(p[i + 2]) << 8) | p[i + 3];
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        append_utf8(out, cp);
    }
    return out;
}

// Dotted text of a DER OID ("2.5.4.3"), written by hand: mbedtls_oid_get_numeric_string goes through
// snprintf for every arc, which showed in the CertificateList benchmark. "?" for a malformed OID.
std::string oid_text(const unsigned char* p, std::size_t len) {
    std::string out;
    std::uint64_t arc = 0;
    bool first = true;
    for (std::size_t i = 0; i < len; ++i) {
        if (arc > (UINT64_MAX >> 7)) return "?";
        arc = (arc << 7) | (p[i] & 0x7F);
        if (p[i] & 0x80) continue;
        if (first) {
            const std::uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
            out += std::to_string(top);
            out += '.';
            out += std::to_string(arc - top * 40);
            first = false;
        } else {
            out += '.';
            out += std::to_string(arc);
        }
        arc = 0;
    }
    return first || (len > 0 && (p[len - 1] & 0x80)) ? std::string("?") : out;
}

std::vector<NameAttribute> attributes_of(const mbedtls_x509_name* name) {
    std::vector<NameAttribute> out;
    for (const mbedtls_x509_name* n = name; n != nullptr; n = n->next) {
        if (n->oid.p == nullptr) continue;
        NameAttribute attribute;
        attribute.oid = oid_text(n->oid.p, n->oid.len);
        const char* bytes = reinterpret_cast<const char*>(n->val.p);
        attribute.value = n->val.tag == MBEDTLS_ASN1_BMP_STRING ? bmp_to_utf8(n->val.p, n->val.len)
                                                                : std::string(bytes, n->val.len);
        out.push_back(std::move(attribute));
    }
    return out;
}

// otherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }; mbedTLS hands over the contents.
void read_other_name(const mbedtls_x509_buf& buf, DeviceCertificate& out) {
    unsigned char* p = buf.p;
    const unsigned char* end = buf.p + buf.len;
    std::size_t len = 0;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_OID) != 0) return;
    const bool upn = len == sizeof kUpnOid && std::equal(p, p + len, kUpnOid);
    p += len;
    if (!upn) return;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0) != 0)
        return;
    const unsigned char* value_end = p + len;
    if (mbedtls_asn1_get_tag(&p, value_end, &len, MBEDTLS_ASN1_UTF8_STRING) != 0) return;
    out.nt_principal_names.emplace_back(reinterpret_cast<const char*>(p), len);
}

void read_alt_names(const mbedtls_x509_crt& crt, DeviceCertificate& out) {
    for (const mbedtls_x509_sequence* s = &crt.subject_alt_names; s != nullptr; s = s->next) {
        const mbedtls_x509_buf& buf = s->buf;
        if (buf.p == nullptr) continue;
        const std::string text(reinterpret_cast<const char*>(buf.p), buf.len);
        switch (buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) {
            case 0: read_other_name(buf, out); break;
            case 1: out.rfc822_names.push_back(text); break;
            case 2: out.dns_names.push_back(text); break;
            case 6: out.uris.push_back(text); break;
            default: break;  // x400Address, directoryName, IP addresses, ...: not in Apple's payload
        }
    }
}

}  // namespace

std::optional<DeviceCertificate> read_device_certificate(std::string_view der, std::string& error) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    std::unique_ptr<mbedtls_x509_crt, void (*)(mbedtls_x509_crt*)> guard(&crt, mbedtls_x509_crt_free);
    const int rc =
        mbedtls_x509_crt_parse_der(&crt, reinterpret_cast<const unsigned char*>(der.data()), der.size());
    if (rc != 0) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(-rc));
        error = std::string("it is not an X.509 certificate mbedTLS can read (error -0x") + hex + ")";
        return std::nullopt;
    }
    DeviceCertificate out;
    out.info = detail::certificate_info_of(crt, der);
    out.subject_attributes = attributes_of(&crt.subject);
    out.subject_der.assign(reinterpret_cast<const char*>(crt.subject_raw.p), crt.subject_raw.len);
    out.issuer_der.assign(reinterpret_cast<const char*>(crt.issuer_raw.p), crt.issuer_raw.len);
    read_alt_names(crt, out);
    return out;
}

// Member by member rather than from an initializer list: the same object (keys are sorted either way) for a
// fraction of the code, which the wasm module's download budget counts.
nlohmann::json to_json(const DeviceCertificate& c) {
    nlohmann::json out = nlohmann::json::object();
    out["common_name"] = c.common_name;
    out["subject"] = c.info.subject;
    out["issuer"] = c.info.issuer;
    out["serial"] = c.info.serial_hex;
    out["not_before"] = format_rfc3339(c.info.not_before);
    out["not_after"] = format_rfc3339(c.info.not_after);
    out["key_type"] = c.info.key_type;
    out["key_bits"] = c.info.key_bits;
    out["sha256_fingerprint"] = c.info.sha256_fingerprint;
    out["is_identity"] = c.is_identity;
    return out;
}

}  // namespace acmepolicy
