// X.509 certificates and private keys in PEM: parsing, describing, checking (over mbedTLS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acmepolicy {

/// What the core knows about one certificate.
struct CertificateInfo {
    std::string subject;             // RFC 4514-like text from mbedTLS ("CN=Example Root, O=Example")
    std::string issuer;
    std::int64_t not_before = 0;     // seconds since the Unix epoch, UTC
    std::int64_t not_after = 0;
    bool is_ca = false;              // basicConstraints cA
    std::string key_type;            // "RSA" or "EC"
    std::size_t key_bits = 0;
    std::string serial_hex;          // lower-case hex, no leading zero bytes (as `openssl x509 -serial`)
    std::string sha256_fingerprint;  // lower-case hex of the DER
    std::string der;                 // the DER bytes
};

/// The outcome of reading PEM text that should hold exactly `one` certificate.
struct CertificateRead {
    std::optional<CertificateInfo> certificate;
    std::string error;       // a sentence, set when certificate is empty
    std::string error_code;  // with error: a stable diagnostic code, see below
};

// Error codes of the certificate readers (stable, public through api_inspect_certificate):
//   certificate.malformed_pem    the PEM armour is broken (BEGIN without END, bad Base64, encrypted headers)
//   certificate.missing          no CERTIFICATE block at all
//   certificate.multiple         more than one certificate where one is expected
//   certificate.not_certificate  a PEM block of another kind (a key, a CSR) where certificates are expected
//   certificate.unparseable      the DER is not an X.509 certificate mbedTLS can read

/// Parses exactly one PEM certificate ("-----BEGIN CERTIFICATE-----"). More than one, none, or
/// unparseable → error text. Never throws for bad input.
CertificateRead read_pem_certificate(std::string_view pem);

/// Splits a PEM bundle into its certificates (each parsed); an error names the failing index.
/// Text outside PEM blocks is ignored; an empty bundle is no error (certificates is empty).
struct CertificateChainRead {
    std::vector<CertificateInfo> certificates;
    std::string error;       // set (and certificates empty) when any block fails
    std::string error_code;  // with error: one of the codes above
};
CertificateChainRead read_pem_certificates(std::string_view pem_bundle);

/// Converts "YYYY-MM-DDTHH:MM:SS(.fff)?(Z|±HH:MM)" to seconds since the Unix epoch; nullopt if malformed.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);
/// Formats seconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_rfc3339(std::int64_t seconds);

}  // namespace acmepolicy
