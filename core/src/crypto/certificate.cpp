// X.509 certificate reading over mbedTLS: PEM in, CertificateInfo out.
#include "acmepolicy/certificate.hpp"

#include <cstdio>
#include <memory>

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "acmepolicy/crypto.hpp"
#include "crypto/civil_time.hpp"
#include "crypto/certificate_info.hpp"
#include "crypto/pem.hpp"

namespace acmepolicy {

namespace {

/// Parses one DER certificate; error text on failure.
std::optional<CertificateInfo> parse_der(const std::string& der, std::string& error) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    std::unique_ptr<mbedtls_x509_crt, void (*)(mbedtls_x509_crt*)> guard(&crt, mbedtls_x509_crt_free);
    const int rc = mbedtls_x509_crt_parse_der(&crt, reinterpret_cast<const unsigned char*>(der.data()), der.size());
    if (rc != 0) {
        error = "it is not a valid X.509 certificate (mbedTLS error -0x" + [&] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(-rc));
            return std::string(hex);
        }() + ")";
        return std::nullopt;
    }
    CertificateInfo info = detail::certificate_info_of(crt, der);
    return info;
}

}  // namespace

CertificateChainRead read_pem_certificates(std::string_view pem_bundle) {
    CertificateChainRead out;
    detail::PemRead pem = detail::read_pem_blocks(pem_bundle);
    if (!pem.error.empty()) {
        out.error = "The PEM text is malformed: " + pem.error + ".";
        out.error_code = "certificate.malformed_pem";
        return out;
    }
    std::size_t index = 0;
    for (const detail::PemBlock& block : pem.blocks) {
        if (block.label != "CERTIFICATE") {
            out.error = "PEM block " + std::to_string(index) + " is a \"" + block.label +
                        "\", not a \"CERTIFICATE\"; give certificates only.";
            out.error_code = "certificate.not_certificate";
            out.certificates.clear();
            return out;
        }
        std::string error;
        std::optional<CertificateInfo> info = parse_der(block.der, error);
        if (!info) {
            out.error = "Certificate " + std::to_string(index) + " of the PEM text cannot be read: " + error + ".";
            out.error_code = "certificate.unparseable";
            out.certificates.clear();
            return out;
        }
        out.certificates.push_back(std::move(*info));
        ++index;
    }
    return out;
}

CertificateRead read_pem_certificate(std::string_view pem) {
    CertificateRead out;
    CertificateChainRead chain = read_pem_certificates(pem);
    if (!chain.error.empty()) {
        out.error = std::move(chain.error);
        out.error_code = std::move(chain.error_code);
    } else if (chain.certificates.empty()) {
        out.error = "No \"-----BEGIN CERTIFICATE-----\" block was found; give one PEM certificate.";
        out.error_code = "certificate.missing";
    } else if (chain.certificates.size() > 1) {
        out.error = "The PEM text holds " + std::to_string(chain.certificates.size()) +
                    " certificates where exactly one is expected.";
        out.error_code = "certificate.multiple";
    } else {
        out.certificate = std::move(chain.certificates.front());
    }
    return out;
}


namespace detail {
namespace {

std::int64_t seconds_of(const mbedtls_x509_time& t) {
    return detail::days_from_civil(t.year, static_cast<unsigned>(t.mon), static_cast<unsigned>(t.day)) * 86400 +
           t.hour * 3600 + t.min * 60 + t.sec;
}

std::string dn_text(const mbedtls_x509_name* name) {
    char buffer[1024];
    const int n = mbedtls_x509_dn_gets(buffer, sizeof buffer, name);
    return n < 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace

CertificateInfo certificate_info_of(const mbedtls_x509_crt& crt, std::string_view der) {
    CertificateInfo info;
    info.subject = dn_text(&crt.subject);
    info.issuer = dn_text(&crt.issuer);
    info.not_before = seconds_of(crt.valid_from);
    info.not_after = seconds_of(crt.valid_to);
    info.is_ca = crt.ca_istrue != 0;
    switch (mbedtls_pk_get_type(&crt.pk)) {
        case MBEDTLS_PK_RSA: info.key_type = "RSA"; break;
        case MBEDTLS_PK_ECKEY:
        case MBEDTLS_PK_ECKEY_DH:
        case MBEDTLS_PK_ECDSA: info.key_type = "EC"; break;
        default: info.key_type = "other"; break;
    }
    info.key_bits = mbedtls_pk_get_bitlen(&crt.pk);
    // The DER INTEGER may carry a 00 sign byte; the serial is printed as openssl prints it, without it.
    std::size_t skip = 0;
    while (skip + 1 < crt.serial.len && crt.serial.p[skip] == 0) ++skip;
    info.serial_hex = crypto::to_hex(crt.serial.p + skip, crt.serial.len - skip);
    info.sha256_fingerprint = crypto::to_hex(crypto::sha256(der));
    info.der = std::string(der);
    return info;
}

}  // namespace detail

}  // namespace acmepolicy
