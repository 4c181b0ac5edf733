// The typed ACME policy: what a policy document (schema_version 1) says once it has been read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acmepolicy {

enum class ServerProfile { generic, step_ca };
const char* to_string(ServerProfile profile) noexcept;  // "generic" / "step-ca"

/// How devices receive the policy: a configuration profile, the declarative ACME credential (iOS/iPadOS 17+
/// and the other platforms' equivalents), or `automatic` ("auto"): declarative where the device supports it,
/// a profile elsewhere. See delivery.hpp for the per-device choice.
enum class Delivery { profile, declarative, automatic };
const char* to_string(Delivery delivery) noexcept;  // "profile" / "declarative" / "auto"

/// One attribute of a relative distinguished name: a type (shortcut C, L, ST, O, OU, CN or a dotted OID)
/// and its value, which may contain variables.
struct SubjectAttribute {
    std::string type;
    std::string value;
};
using RelativeDistinguishedName = std::vector<SubjectAttribute>;

/// Apple's SubjectAltName dictionary; each member present only when the document gives it.
struct SubjectAltName {
    std::optional<std::string> rfc822_name;
    std::optional<std::string> dns_name;
    std::optional<std::string> uniform_resource_identifier;
    std::optional<std::string> nt_principal_name;
};

/// The com.apple.security.acme payload keys, as Apple spells them (see the schema in the reference).
struct AcmePayload {
    std::string directory_url;
    std::string client_identifier;
    std::string key_type;  // "RSA" or "ECSECPrimeRandom" in a valid policy
    std::int64_t key_size = 0;
    bool hardware_bound = false;
    std::optional<bool> attest;
    std::vector<RelativeDistinguishedName> subject;
    std::optional<SubjectAltName> subject_alt_name;
    std::optional<std::int64_t> usage_flags;
    std::optional<std::vector<std::string>> extended_key_usage;
    std::optional<bool> key_is_extractable;     // macOS only: never rendered for iOS
    std::optional<bool> allow_all_apps_access;  // macOS only: never rendered for iOS

    bool attest_enabled() const noexcept { return attest.value_or(false); }
};

struct PolicyTargets {
    std::vector<std::string> device_groups;
    std::vector<std::string> devices;
};

/// The policy a device receives instead of this one when this one cannot serve it well
/// (docs/assignment.md, "Fallback policies"): `policy` is the other policy's id, `when` the conditions
/// (attestation_unsupported, user_enrollment, variable_unavailable, os_too_old,
/// server_profile_incompatible), kept as written: validation reports names it does not know, and
/// resolution ignores them.
struct PolicyFallback {
    std::string policy;
    std::vector<std::string> when;
};

/// The optional `renewal` object of a policy document: when a device gets its profile again (see
/// docs/lifecycle.md). An absent member keeps its default (30 days, one half).
struct RenewalSettings {
    std::optional<std::int64_t> before_days;  // renew when fewer than this many days remain (1-365)
    std::optional<double> fraction;           // ... or less than this fraction of the validity (0 < f < 1)
};

struct Policy {
    int schema_version = 1;
    std::string id;  // given, or derived from name (derive_policy_id)
    std::string name;
    std::string notes;
    ServerProfile server_profile = ServerProfile::generic;
    Delivery delivery = Delivery::profile;
    AcmePayload payload;
    std::vector<std::string> ca_certificates;  // PEM texts
    PolicyTargets targets;
    std::optional<PolicyFallback> fallback;
    std::optional<RenewalSettings> renewal;  // absent: the default renewal rule
};

/// The id used when a document gives none: the name lower-cased, every run of characters outside
/// [a-z0-9] replaced by '-', trimmed of '-', cut to 64 characters; "policy" when nothing is left.
/// Deterministic, so a policy keeps its identity (and its profile's PayloadIdentifier) across edits
/// that keep its name.
std::string derive_policy_id(const std::string& name);

}  // namespace acmepolicy
