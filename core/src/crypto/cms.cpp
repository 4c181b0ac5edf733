// CMS SignedData (RFC 5652): mbedTLS's ASN.1 writer and X.509 parser for the structure, the signing
// backend (signing_key.hpp: OpenSSL natively, mbedTLS in wasm) for the signature.
#include "acmepolicy/cms.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <mbedtls/x509_crt.h>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "crypto/civil_time.hpp"
#include "crypto/der_writer.hpp"
#include "crypto/signing_key.hpp"

namespace acmepolicy::cms {

namespace {

// Object identifiers in DER content form.
constexpr std::string_view kOidSignedData{"\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02", 9};
constexpr std::string_view kOidData{"\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01", 9};
constexpr std::string_view kOidSha256{"\x60\x86\x48\x01\x65\x03\x04\x02\x01", 9};
constexpr std::string_view kOidContentType{"\x2A\x86\x48\x86\xF7\x0D\x01\x09\x03", 9};
constexpr std::string_view kOidMessageDigest{"\x2A\x86\x48\x86\xF7\x0D\x01\x09\x04", 9};
constexpr std::string_view kOidSigningTime{"\x2A\x86\x48\x86\xF7\x0D\x01\x09\x05", 9};
constexpr std::string_view kOidRsaEncryption{"\x2A\x86\x48\x86\xF7\x0D\x01\x01\x01", 9};
constexpr std::string_view kOidEcdsaWithSha256{"\x2A\x86\x48\xCE\x3D\x04\x03\x02", 8};

constexpr unsigned char kSequence = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
constexpr unsigned char kSet = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET;
constexpr unsigned char kContext0 = MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0;

/// The caller's randomness must be there even when the signing library brings its own (see cms.hpp).
bool check_seed(std::string_view seed, std::string& error) {
    if (seed.size() >= kMinRandomSeedBytes) return true;
    error = "Signing needs at least " + std::to_string(kMinRandomSeedBytes) +
            " random bytes from the caller (the core draws no randomness itself).";
    return false;
}

/// DER SET OF ordering (X.690 §11.6): encodings compared as octet strings, the shorter padded with zeros.
void sort_set_of(std::vector<std::string>& encodings) {
    std::sort(encodings.begin(), encodings.end(), [](const std::string& a, const std::string& b) {
        const std::size_t n = std::max(a.size(), b.size());
        for (std::size_t i = 0; i < n; ++i) {
            const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
            const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
            if (x != y) return x < y;
        }
        return false;
    });
}

/// signingTime as UTCTime for 1950..2049 (RFC 5652 §11.3), GeneralizedTime otherwise.
std::string encode_time(std::int64_t seconds) {
    const detail::CivilTime t = detail::civil_from_seconds(seconds);
    char text[32];
    const bool utc = t.year >= 1950 && t.year < 2050;
    if (utc)
        std::snprintf(text, sizeof text, "%02u%02u%02u%02u%02u%02uZ", static_cast<unsigned>(t.year % 100), t.month,
                      t.day, t.hour, t.minute, t.second);
    else
        std::snprintf(text, sizeof text, "%04lld%02u%02u%02u%02u%02uZ", static_cast<long long>(t.year), t.month,
                      t.day, t.hour, t.minute, t.second);
    detail::DerWriter w(64);
    w.tagged_string(utc ? MBEDTLS_ASN1_UTC_TIME : MBEDTLS_ASN1_GENERALIZED_TIME, text);
    return w.bytes();
}

/// Attribute ::= SEQUENCE { attrType OID, attrValues SET { value } }, value given as DER.
std::string attribute(std::string_view type_oid, const std::string& value_der) {
    detail::DerWriter w(value_der.size() + 64);
    std::size_t n = w.raw(value_der);
    n += w.header(n, kSet);
    n += w.oid(type_oid);
    w.header(n, kSequence);
    return w.bytes();
}

}  // namespace

struct Signer::Impl {
    detail::SigningKeyPtr key;
    std::string key_type;
    std::string issuer_der;     // the signer certificate's issuer Name, DER
    std::string serial_value;   // the content octets of its serialNumber INTEGER
    std::vector<std::string> certificates;  // DER, signer first, no duplicates
};

Signer::Signer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Signer::~Signer() = default;

const std::string& Signer::key_type() const noexcept { return impl_->key_type; }

Signer::Load Signer::load(std::string_view certificate_pem, std::string_view key_pem, std::string_view chain_pem) {
    Load out;
    auto impl = std::make_unique<Impl>();

    const CertificateRead certificate = read_pem_certificate(certificate_pem);
    if (!certificate.certificate) {
        out.error = "The signing certificate cannot be used: " + certificate.error;
        return out;
    }
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    const std::string& der = certificate.certificate->der;
    const int rc = mbedtls_x509_crt_parse_der(&crt, reinterpret_cast<const unsigned char*>(der.data()), der.size());
    if (rc == 0) {
        impl->issuer_der.assign(reinterpret_cast<const char*>(crt.issuer_raw.p), crt.issuer_raw.len);
        impl->serial_value.assign(reinterpret_cast<const char*>(crt.serial.p), crt.serial.len);
    }
    mbedtls_x509_crt_free(&crt);
    if (rc != 0) {
        out.error = "The signing certificate cannot be used: its DER does not parse as X.509.";
        return out;
    }
    detail::SigningKeyLoad key = detail::load_signing_key(key_pem, der);
    if (!key.key) {
        out.error = std::move(key.error);
        return out;
    }
    impl->key = std::move(key.key);
    impl->key_type = key.is_rsa ? "RSA" : "EC";

    impl->certificates.push_back(der);
    const CertificateChainRead chain = read_pem_certificates(chain_pem);
    if (!chain.error.empty()) {
        out.error = "The certificate chain cannot be used: " + chain.error;
        return out;
    }
    for (const CertificateInfo& c : chain.certificates)
        if (std::find(impl->certificates.begin(), impl->certificates.end(), c.der) == impl->certificates.end())
            impl->certificates.push_back(c.der);

    out.signer.reset(new Signer(std::move(impl)));
    return out;
}

SignResult Signer::sign_bare(std::string_view content, std::string_view random_seed) {
    SignResult out;
    if (!check_seed(random_seed, out.error)) return out;
    if (!detail::sign_digest(*impl_->key, crypto::sha256(content), random_seed, out.der, out.error)) out.der.clear();
    return out;
}

SignResult Signer::sign(std::string_view content, std::int64_t signing_time_seconds, std::string_view random_seed) {
    SignResult out;
    // GeneralizedTime has four year digits: keep the time within years 1..9999.
    if (signing_time_seconds < -62135596800 || signing_time_seconds > 253402300799) {
        out.error = "The signing time is outside the years 1 to 9999.";
        return out;
    }
    if (!check_seed(random_seed, out.error)) return out;

    // Signed attributes, DER-sorted; the signature covers them encoded as a SET (RFC 5652 §5.4).
    const crypto::Sha256Digest content_digest = crypto::sha256(content);
    std::vector<std::string> attributes;
    {
        detail::DerWriter w(16);
        w.oid(kOidData);
        attributes.push_back(attribute(kOidContentType, w.bytes()));
    }
    attributes.push_back(attribute(kOidSigningTime, encode_time(signing_time_seconds)));
    {
        detail::DerWriter w(48);
        w.octet_string(std::string_view(reinterpret_cast<const char*>(content_digest.data()), content_digest.size()));
        attributes.push_back(attribute(kOidMessageDigest, w.bytes()));
    }
    sort_set_of(attributes);
    std::string attributes_content;
    for (const std::string& a : attributes) attributes_content += a;
    std::string signed_attributes;  // as a SET, for the digest
    {
        detail::DerWriter w(attributes_content.size() + 8);
        w.header(w.raw(attributes_content), kSet);
        signed_attributes = w.bytes();
    }

    const crypto::Sha256Digest attributes_digest = crypto::sha256(signed_attributes);
    std::string signature;
    if (!detail::sign_digest(*impl_->key, attributes_digest, random_seed, signature, out.error)) return out;

    std::size_t capacity = content.size() + attributes_content.size() + signature.size() + 1024;
    for (const std::string& c : impl_->certificates) capacity += c.size();
    capacity += impl_->issuer_der.size() + impl_->serial_value.size();
    detail::DerWriter w(capacity);

    // SignerInfo, from its last field to its first.
    std::size_t signer_info = w.octet_string(signature);
    signer_info += impl_->key_type == "RSA" ? w.algorithm(kOidRsaEncryption, true)
                                            : w.algorithm(kOidEcdsaWithSha256, false);
    {
        std::size_t n = w.raw(attributes_content);
        signer_info += n + w.header(n, kContext0);  // signedAttrs [0] IMPLICIT
    }
    signer_info += w.algorithm(kOidSha256, false);
    {
        std::size_t n = w.raw(impl_->serial_value);
        n += w.header(n, MBEDTLS_ASN1_INTEGER);
        n += w.raw(impl_->issuer_der);
        signer_info += n + w.header(n, kSequence);  // issuerAndSerialNumber
    }
    signer_info += w.small_integer(1);
    signer_info += w.header(signer_info, kSequence);
    std::size_t signed_data = signer_info + w.header(signer_info, kSet);  // signerInfos

    // certificates [0] IMPLICIT CertificateSet, DER-sorted.
    std::vector<std::string> certificates = impl_->certificates;
    sort_set_of(certificates);
    {
        std::size_t n = 0;
        for (auto it = certificates.rbegin(); it != certificates.rend(); ++it) n += w.raw(*it);
        signed_data += n + w.header(n, kContext0);
    }
    // encapContentInfo SEQUENCE { id-data, [0] EXPLICIT OCTET STRING content }
    {
        std::size_t n = w.octet_string(content);
        n += w.header(n, kContext0);
        n += w.oid(kOidData);
        signed_data += n + w.header(n, kSequence);
    }
    {
        std::size_t n = w.algorithm(kOidSha256, false);
        signed_data += n + w.header(n, kSet);  // digestAlgorithms
    }
    signed_data += w.small_integer(1);
    signed_data += w.header(signed_data, kSequence);

    // ContentInfo SEQUENCE { id-signedData, [0] EXPLICIT SignedData }
    std::size_t content_info = signed_data + w.header(signed_data, kContext0);
    content_info += w.oid(kOidSignedData);
    w.header(content_info, kSequence);
    out.der = w.bytes();
    return out;
}

SignResult sign_cms(std::string_view content, std::string_view signer_certificate_pem,
                    std::string_view signer_key_pem, std::string_view chain_pem, std::int64_t signing_time_seconds,
                    std::string_view random_seed) {
    Signer::Load load = Signer::load(signer_certificate_pem, signer_key_pem, chain_pem);
    if (!load.signer) return SignResult{std::string(), std::move(load.error)};
    return load.signer->sign(content, signing_time_seconds, random_seed);
}

}  // namespace acmepolicy::cms
