// CMS SignedData (RFC 5652) signing: what turns a rendered profile into a signed one. Natively the
// signature is made by OpenSSL's libcrypto, in the wasm build by mbedTLS; the structure is the same.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace acmepolicy::cms {

/// The outcome of a signing call: `der` (the DER ContentInfo, or the raw signature for the bare calls)
/// when `error` is empty; otherwise `error` is a sentence that says what to fix and `der` is empty.
struct SignResult {
    std::string der;
    std::string error;
    bool ok() const noexcept { return error.empty(); }
};

/// How randomness is handled. Every call takes `random_seed`, at least kMinRandomSeedBytes of fresh random
/// bytes from the caller, and fails without them, in every build.
/// - Native builds sign with OpenSSL, which draws the ECDSA nonce and the RSA blinding from its own
///   generator (seeded by the operating system): EC signatures differ from call to call and are not
///   byte-stable; each one verifies. RSA (PKCS#1 v1.5) has no nonce, so its bytes repeat.
/// - The wasm build signs with mbedTLS, whose CTR_DRBG is seeded from `random_seed` and feeds only the
///   blinding; ECDSA nonces there are deterministic (RFC 6979), so the same inputs give the same DER.
/// Profile identity (PayloadUUIDs) never depends on signature bytes.
constexpr std::size_t kMinRandomSeedBytes = 16;

/// A signing identity loaded once (certificate, private key, chain) and used for many signatures.
/// Not safe for concurrent use (it keeps one prepared signing context per key, and mbedTLS updates the
/// RSA blinding values in the key): one thread at a time, or one Signer per thread.
class Signer {
public:
    /// The result of Signer::load: `signer` unless `error` (a sentence) is set.
    struct Load;

    /// Parses the signer certificate (exactly one PEM CERTIFICATE), its private key (PEM: PKCS#1
    /// "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY"; unencrypted; RSA or EC) and the
    /// optional chain (PEM certificates to include, "" for none). Fails when the key does not belong to
    /// the certificate. Never throws for bad input.
    static Load load(std::string_view certificate_pem, std::string_view key_pem, std::string_view chain_pem);

    ~Signer();
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;

    /// CMS SignedData over `content` (RFC 5652, DER): version 1, SHA-256, encapsulated content of type
    /// id-data, the signer certificate plus the chain in `certificates`, one SignerInfo identified by
    /// issuerAndSerialNumber with signed attributes contentType, signingTime (`signing_time_seconds`, Unix
    /// UTC; UTCTime for 1950-2049, else GeneralizedTime) and messageDigest; signature algorithm
    /// rsaEncryption (PKCS#1 v1.5) or ecdsa-with-SHA256. `openssl cms -verify -inform DER` accepts it.
    SignResult sign(std::string_view content, std::int64_t signing_time_seconds, std::string_view random_seed);

    /// The bare operation a signature costs: SHA-256 of `content` and the signing library's signature with
    /// the same key, returning the raw signature (PKCS#1 v1.5 block or DER ECDSA-Sig-Value). For
    /// comparisons and checks.
    SignResult sign_bare(std::string_view content, std::string_view random_seed);

    /// "RSA" or "EC".
    const std::string& key_type() const noexcept;

private:
    struct Impl;
    explicit Signer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct Signer::Load {
    std::unique_ptr<Signer> signer;
    std::string error;
};

/// One-shot CMS signing: Signer::load then Signer::sign. Example:
///   SignResult r = sign_cms(profile_xml, cert_pem, key_pem, "", now, random_bytes);
///   if (!r.ok()) report(r.error); else write(r.der);
SignResult sign_cms(std::string_view content, std::string_view signer_certificate_pem,
                    std::string_view signer_key_pem, std::string_view chain_pem, std::int64_t signing_time_seconds,
                    std::string_view random_seed);

}  // namespace acmepolicy::cms
