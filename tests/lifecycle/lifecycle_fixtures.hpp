// Test certificates for the lifecycle suites, written with mbedTLS's X.509 writer: any subject, issuer,
// validity and subjectAltName, so every matching and renewal boundary can be built exactly.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/validate.hpp"

namespace acmepolicy::test {

/// subjectAltName kinds as GeneralName tags; kUpn is an otherName UPN.
enum SanKind { kUpn = 0, kEmail = 1, kDns = 2, kUri = 6 };

struct CertSpec {
    std::string subject = "CN=C02XK1ABJG5H,O=Example Inc.";  // mbedTLS name syntax
    std::string issuer = "CN=Example Device CA,O=Example Inc.";
    std::string not_before = "20261101000000";  // YYYYMMDDhhmmss, UTC
    std::string not_after = "20270101000000";
    std::vector<std::pair<SanKind, std::string>> sans;
    std::string serial = "1001";  // decimal
    bool ca = false;
};

inline std::string tlv(unsigned char tag, const std::string& content) {
    std::string out(1, static_cast<char>(tag));
    const std::size_t n = content.size();
    if (n < 0x80) {
        out += static_cast<char>(n);
    } else if (n < 0x100) {
        out += '\x81';
        out += static_cast<char>(n);
    } else {
        out += '\x82';
        out += static_cast<char>(n >> 8);
        out += static_cast<char>(n & 0xFF);
    }
    return out + content;
}

inline std::string san_extension(const std::vector<std::pair<SanKind, std::string>>& sans) {
    std::string names;
    for (const auto& [kind, value] : sans) {
        if (kind == kUpn) {
            const std::string upn_oid("\x2B\x06\x01\x04\x01\x82\x37\x14\x02\x03", 10);
            names += tlv(0xA0, tlv(0x06, upn_oid) + tlv(0xA0, tlv(0x0C, value)));
        } else {
            names += tlv(static_cast<unsigned char>(0x80 | kind), value);
        }
    }
    return tlv(0x30, names);
}

// A deterministic "random" source: the tests need signatures, not secrecy.
inline int test_rng(void* state, unsigned char* out, std::size_t len) {
    auto* x = static_cast<std::uint64_t*>(state);
    for (std::size_t i = 0; i < len; ++i) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        out[i] = static_cast<unsigned char>(*x);
    }
    return 0;
}

/// One EC P-256 key shared by every test certificate (signatures are never verified by the matcher).
inline mbedtls_pk_context& test_key() {
    static mbedtls_pk_context key = [] {
        mbedtls_pk_context k;
        mbedtls_pk_init(&k);
        std::uint64_t state = 0x9E3779B97F4A7C15ULL;
        if (mbedtls_pk_setup(&k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0 ||
            mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(k), test_rng, &state) != 0)
            throw std::runtime_error("test key generation failed");
        return k;
    }();
    return key;
}

/// The DER of a certificate as `spec` describes it.
inline std::string make_der(const CertSpec& spec) {
    mbedtls_x509write_cert crt;
    mbedtls_x509write_crt_init(&crt);
    mbedtls_mpi serial;
    mbedtls_mpi_init(&serial);
    std::uint64_t state = 0x243F6A8885A308D3ULL;
    std::vector<unsigned char> buffer(8192);
    int rc = mbedtls_mpi_read_string(&serial, 10, spec.serial.c_str());
    mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&crt, &test_key());
    mbedtls_x509write_crt_set_issuer_key(&crt, &test_key());
    if (rc == 0) rc = mbedtls_x509write_crt_set_serial(&crt, &serial);
    if (rc == 0) rc = mbedtls_x509write_crt_set_subject_name(&crt, spec.subject.c_str());
    if (rc == 0) rc = mbedtls_x509write_crt_set_issuer_name(&crt, spec.issuer.c_str());
    if (rc == 0) rc = mbedtls_x509write_crt_set_validity(&crt, spec.not_before.c_str(), spec.not_after.c_str());
    if (rc == 0) rc = mbedtls_x509write_crt_set_basic_constraints(&crt, spec.ca ? 1 : 0, -1);
    if (rc == 0 && !spec.sans.empty()) {
        const std::string value = san_extension(spec.sans);
        rc = mbedtls_x509write_crt_set_extension(&crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                                 MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                                                 reinterpret_cast<const unsigned char*>(value.data()), value.size());
    }
    int size = rc == 0 ? mbedtls_x509write_crt_der(&crt, buffer.data(), buffer.size(), test_rng, &state) : rc;
    mbedtls_x509write_crt_free(&crt);
    mbedtls_mpi_free(&serial);
    if (size <= 0) throw std::runtime_error("test certificate writing failed: " + std::to_string(size));
    return std::string(reinterpret_cast<const char*>(buffer.data() + buffer.size() - static_cast<std::size_t>(size)),
                       static_cast<std::size_t>(size));
}

inline std::string to_pem(const std::string& der) {
    const std::string b64 = crypto::base64_encode(der);
    std::string pem = "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    return pem + "-----END CERTIFICATE-----\n";
}

/// The CA whose subject is CertSpec's default issuer.
inline std::string ca_pem(const std::string& subject = "CN=Example Device CA,O=Example Inc.") {
    CertSpec spec;
    spec.subject = subject;
    spec.issuer = subject;
    spec.ca = true;
    spec.not_before = "20250101000000";
    spec.not_after = "20350101000000";
    return to_pem(make_der(spec));
}

/// A DeviceCertificate read back from `spec`'s DER (as a CertificateList entry would give it).
inline DeviceCertificate device_certificate(const CertSpec& spec, bool is_identity = true) {
    std::string error;
    auto c = read_device_certificate(make_der(spec), error);
    if (!c) throw std::runtime_error("test certificate unreadable: " + error);
    c->is_identity = is_identity;
    return *c;
}

/// A policy document (JSON text) for the generic server, with the test CA and the given extras.
inline std::string policy_json(const std::string& extra_top = "", const std::string& subject =
                                   R"([[["O", "Example Inc."]], [["CN", "{{serial_number}}"]]])",
                               const std::string& san = R"({"dNSName": "{{serial_number}}.devices.example.com"})") {
    nlohmann::json ca = ca_pem();
    std::string text = R"({"schema_version": 1, "id": "corp-acme", "name": "Corporate ACME",
      "payload": {"DirectoryURL": "https://acme.example.com/directory", "ClientIdentifier": "{{serial_number}}",
        "KeyType": "ECSECPrimeRandom", "KeySize": 256, "HardwareBound": true, "Attest": true,
        "Subject": )" + subject;
    if (!san.empty()) text += R"(, "SubjectAltName": )" + san;
    text += R"(}, "ca_certificates": [)" + ca.dump() + R"(], "targets": {"devices": ["d-0042"]})";
    if (!extra_top.empty()) text += ", " + extra_top;
    return text + "}";
}

/// check_policy over JSON text (a std::string would be ambiguous between text and parsed JSON).
inline PolicyCheck check_text(const std::string& text) { return check_policy(std::string_view(text)); }

}  // namespace acmepolicy::test
