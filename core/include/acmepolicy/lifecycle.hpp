// The life of a certificate on a device: reading a CertificateList answer, finding the certificate a
// policy produced, and deciding when the device must get its profile again (one device or a whole fleet).
//
// Everything here is pure: `now`, the last renewal time and every setting are arguments; the fleet
// planner's jitter is a hash of the device id, never a random number. The rules are documented in
// docs/lifecycle.md, which is a public contract.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/policy.hpp"

namespace acmepolicy {

// ---- certificates as a device reports them ------------------------------------------------------------

/// One attribute of a distinguished name as the DER carries it: the type as a dotted OID ("2.5.4.3" for
/// CN) and the value as UTF-8 (UTF8String, PrintableString, IA5String and TeletexString bytes as they are,
/// BMPString converted).
struct NameAttribute {
    std::string oid;
    std::string value;
    bool operator==(const NameAttribute& other) const { return oid == other.oid && value == other.value; }
};

/// One certificate of a CertificateList answer, read from its DER.
struct DeviceCertificate {
    CertificateInfo info;            // subject, issuer, validity, key, serial, SHA-256 fingerprint, DER
    std::string common_name;         // the answer's CommonName (as the device reports it; may be empty)
    bool is_identity = false;        // the answer's IsIdentity: the device holds the private key
    std::vector<NameAttribute> subject_attributes;  // every attribute of the subject, in DER order
    std::string subject_der;         // the subject Name, DER (issuers are matched on these bytes)
    std::string issuer_der;          // the issuer Name, DER
    std::vector<std::string> dns_names;     // subjectAltName dNSName entries
    std::vector<std::string> rfc822_names;  // rfc822Name entries
    std::vector<std::string> uris;          // uniformResourceIdentifier entries
    std::vector<std::string> nt_principal_names;  // otherName UPN (1.3.6.1.4.1.311.20.2.3) entries
};

/// Reads one DER certificate. nullopt with `error` (a sentence) when mbedTLS cannot read it as X.509.
std::optional<DeviceCertificate> read_device_certificate(std::string_view der, std::string& error);

/// Limits for untrusted CertificateList answers.
struct CertificateListLimits {
    std::size_t max_document_bytes = 4 * 1024 * 1024;
    std::size_t max_certificates = 2000;
    std::size_t max_certificate_bytes = 64 * 1024;
};

/// What a CertificateList answer held. The report's errors (the answer as a whole is unusable) and
/// warnings (one entry skipped) use these stable codes, plus every `plist.*` code of plist::read_xml:
///   certificate_list.not_dict      the answer is not a dictionary (error)
///   certificate_list.missing       it has no CertificateList array (error)
///   certificate_list.too_many      more entries than max_certificates (error)
///   certificate_list.entry_invalid an entry is not a dictionary, or its Data, CommonName or IsIdentity
///                                  has the wrong type (warning, entry skipped)
///   certificate_list.too_large     an entry's Data is larger than max_certificate_bytes (warning, skipped)
///   certificate_list.unparseable   an entry's Data is not an X.509 certificate (warning, skipped)
/// Paths are JSON pointers into the answer ("/CertificateList/3/Data").
struct CertificateListRead {
    std::vector<DeviceCertificate> certificates;  // in the answer's order
    Report report;
    bool ok() const noexcept { return report.valid(); }
};

/// Reads a CertificateList command answer (XML plist bytes, as the device sent them). Never throws for
/// bad input.
CertificateListRead read_certificate_list(std::string_view plist_bytes, const CertificateListLimits& limits = {});

/// The same entries in their JSON form (what api_parse_plist gives for the answer's CertificateList):
/// an array of {"CommonName": string, "Data": base64 string, "IsIdentity": bool}. `path` prefixes the
/// diagnostics (e.g. "/devices/3/certificates"); a value that is not an array is certificate_list.missing.
CertificateListRead read_certificate_entries(const nlohmann::json& entries, const std::string& path,
                                             const CertificateListLimits& limits = {});

/// The JSON description of a certificate: {"common_name", "subject", "issuer", "serial", "not_before",
/// "not_after", "key_type", "key_bits", "sha256_fingerprint", "is_identity"}.
nlohmann::json to_json(const DeviceCertificate& certificate);

// ---- matching a certificate to the policy that produced it ---------------------------------------------

/// Finds, among a device's certificates, the one a policy produced. A certificate matches when
///   1. it is an identity (IsIdentity true);
///   2. its issuer Name (DER bytes) is the subject of one of the policy's ca_certificates or of a
///      certificate of the ACME server's chain (when given);
///   3. its subject carries exactly the attributes of the policy's Subject rendered for the device (as a
///      multiset of (type, value), any order); for server_profile step-ca, whose default template keeps
///      only the CN, the CN must equal the rendered ClientIdentifier instead;
///   4. (generic only) every SubjectAltName value of the policy, rendered for the device, is among the
///      certificate's subjectAltName entries of that kind (dNSName compared ignoring ASCII case).
/// Among matching certificates the newest wins: the latest not_before, then the latest not_after, then the
/// smallest fingerprint. Every other certificate is foreign and ignored.
class CertificateMatcher {
public:
    /// `issuer_chain`: the ACME server's chain (intermediates) when known; `client_token_secret` is needed
    /// only when the policy uses {{client_token}} in a matched value. Problems with the policy (an
    /// unreadable CA certificate) are in report().
    CertificateMatcher(const Policy& policy, const std::vector<CertificateInfo>& issuer_chain,
                       std::optional<std::string> client_token_secret = std::nullopt);
    ~CertificateMatcher();
    CertificateMatcher(const CertificateMatcher&) = delete;
    CertificateMatcher& operator=(const CertificateMatcher&) = delete;

    struct Match {
        std::optional<std::size_t> index;  // into the certificates given; empty when none matched
        std::size_t matched = 0;           // how many certificates matched (the newest is `index`)
        std::size_t foreign = 0;           // how many were ignored
        Report report;                     // why the device's expected values could not be computed
    };

    /// Matches one device's certificates. Thread-compatible: one matcher may serve one thread at a time.
    Match match(const DeviceRecord& device, const std::vector<DeviceCertificate>& certificates) const;

    const Report& report() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---- the renewal decision -----------------------------------------------------------------------------

/// When a certificate is renewed: once less than min(before_seconds, fraction × validity) remains.
/// The default (30 days, 0.5) renews at 30 days before expiry, or at half the validity when the
/// validity is under 60 days.
struct RenewalRule {
    std::int64_t before_seconds = 30 * 86400;
    double fraction = 0.5;
};

/// The policy's rule: its `renewal` override where given, the default elsewhere.
RenewalRule renewal_rule(const Policy& policy) noexcept;

/// Settings of the decision that come from the host.
struct RenewalOptions {
    std::int64_t now = 0;                          // seconds since the Unix epoch (UTC)
    std::int64_t min_interval_seconds = 6 * 3600;  // never renew more often than this
    std::int64_t spread_seconds = 12 * 3600;       // jitter window of scheduled renewals (0 = none)
};

enum class RenewalState {
    ok,         // the certificate is good; renew_at is in the future
    due,        // the renewal window is reached: renew now
    expired,    // the certificate has expired: renew now, without jitter
    throttled,  // due or expired, but the last renewal is less than min_interval ago; renew_at says when
    missing,    // no certificate matched; nothing to renew (the reconciliation plan installs the profile)
};
/// "ok", "due", "expired", "throttled", "missing".
const char* to_string(RenewalState state) noexcept;

/// The validity of one matched certificate.
struct CertificateValidity {
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
};

struct RenewalDecision {
    RenewalState state = RenewalState::missing;
    std::int64_t renew_at = 0;        // when to send the profile again (== now when due or expired)
    std::int64_t window_seconds = 0;  // min(before_seconds, fraction × validity)
    std::int64_t jitter_seconds = 0;  // the device's deterministic delay within the window
    bool due() const noexcept { return state == RenewalState::due || state == RenewalState::expired; }
};

/// The deterministic jitter of a device: a hash of its id, in [0, spread_seconds).
std::int64_t renewal_jitter(std::string_view device_id, std::int64_t spread_seconds) noexcept;

/// Decides for one matched certificate. The renewal window opens at not_after - window + 1 (the first
/// second with less than the window left); the device's jitter (capped at half the window, so it never
/// reaches the expiry) is added; a time already past becomes `now`. An expired certificate (now >
/// not_after) is renewed at once. Finally renew_at is pushed to last_renewal + min_interval when that is
/// later (a last_renewal in the future counts as now, so clock skew cannot block renewals for longer
/// than one interval).
RenewalDecision decide_renewal(const CertificateValidity& certificate, const RenewalRule& rule,
                               std::optional<std::int64_t> last_renewal, std::string_view device_id,
                               const RenewalOptions& options) noexcept;

// ---- the fleet planner ----------------------------------------------------------------------------------

/// One device/policy pair of a fleet with the certificates matched to it (any order; the newest wins).
struct FleetEntry {
    std::string device_id;
    std::string policy_id;
    RenewalRule rule;
    std::optional<std::int64_t> last_renewal;
    std::vector<CertificateValidity> certificates;  // empty: nothing matched
};

struct PlannedRenewal {
    std::size_t entry = 0;        // index into the entries given
    std::size_t certificate = 0;  // index of the newest certificate in the entry
    RenewalDecision decision;
};

struct RenewalDay {
    std::int64_t day = 0;  // days since the Unix epoch (UTC)
    std::size_t count = 0;
};

struct RenewalPlan {
    std::vector<PlannedRenewal> renewals;  // every entry with a certificate, by renew_at, device, policy
    std::vector<std::size_t> missing;      // entries without a certificate, in the order given
    std::vector<RenewalDay> per_day;       // renewals per UTC day of renew_at, ascending, no empty days
    std::size_t due = 0, expired = 0, throttled = 0;
};

/// Plans the renewals of a fleet with decide_renewal for each entry.
RenewalPlan plan_renewals(const std::vector<FleetEntry>& entries, const RenewalOptions& options);

}  // namespace acmepolicy
