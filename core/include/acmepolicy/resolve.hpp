// Assignment resolution: which devices of an inventory receive which ACME policy, and why the others do
// not. Reason and warning codes are a public contract (docs/assignment.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/validate.hpp"

namespace acmepolicy {

/// Why a candidate device does not receive a policy. When several apply, the one listed first wins
/// (exactly one primary reason per device); the numeric order below *is* that precedence.
enum class ExclusionReason : std::uint8_t {
    policy_invalid,               // the policy has validation errors
    platform_unsupported,         // not iOS/iPadOS, or the platform is unknown
    os_unknown,                   // no os_version, or one that is not a version number
    os_too_old,                   // below 16.0 (compared numerically: 16.10 > 16.9)
    not_enrolled,                 // enrollment "none" or unknown
    server_profile_incompatible,  // e.g. step-ca with a User Enrollment device (no attested serial/UDID)
    variable_unavailable,         // the policy uses a variable this device lacks
};
constexpr std::size_t kExclusionReasonCount = 7;

/// "policy_invalid", "platform_unsupported", ... (the public spelling).
const char* to_string(ExclusionReason reason) noexcept;

/// Warnings an included device may carry.
enum class AssignmentWarning : std::uint8_t {
    attestation_unsupported,      // Attest is on but the chip predates the A11 (info when unknown)
    client_identifier_collision,  // another device of the policy presents the same ClientIdentifier
};
constexpr std::size_t kAssignmentWarningCount = 2;
const char* to_string(AssignmentWarning warning) noexcept;

/// What a policy's `fallback.when` can name: the findings of resolution that another policy can remedy.
/// - attestation_unsupported: the policy has Attest and the hardware is known not to attest (an unknown
///   identifier is not a reason to fall back: the device stays, with the attestation_unsupported info);
/// - user_enrollment: a User Enrollment device is excluded for its enrollment type
///   (server_profile_incompatible, or variable_unavailable for serial_number or udid);
/// - variable_unavailable, os_too_old, server_profile_incompatible: excluded for that reason.
enum class FallbackCondition : std::uint8_t {
    attestation_unsupported,
    user_enrollment,
    variable_unavailable,
    os_too_old,
    server_profile_incompatible,
};
constexpr std::size_t kFallbackConditionCount = 5;
/// "attestation_unsupported", "user_enrollment", ... (the public spelling).
const char* to_string(FallbackCondition condition) noexcept;
/// The inverse of to_string; nullopt for any other text.
std::optional<FallbackCondition> parse_fallback_condition(std::string_view text) noexcept;

/// An OS version as numbers: "16" = 16.0.0, "16.10" > "16.9". Up to three components of at most 9 digits.
struct OsVersion {
    std::uint32_t major = 0, minor = 0, patch = 0;
    friend bool operator<(const OsVersion& a, const OsVersion& b) noexcept {
        if (a.major != b.major) return a.major < b.major;
        if (a.minor != b.minor) return a.minor < b.minor;
        return a.patch < b.patch;
    }
};
/// Parses "17", "17.4", "17.4.1"; nullopt for anything else ("", "17.", "17.x", " 17", "17.4.1.2").
std::optional<OsVersion> parse_os_version(std::string_view text) noexcept;

/// The oldest OS version that supports the ACME payload on iOS and iPadOS.
constexpr OsVersion kMinimumOsVersion{16, 0, 0};

/// What a device's hardware identifier (product_name) says about attestation.
enum class AttestationSupport : std::uint8_t { supported, unsupported, unknown };
/// "iPhone10,3" → supported; "iPhone9,1", "iPad7,5", "iPod9,1" → unsupported; anything unparsable or
/// absent → unknown (never a guess).
AttestationSupport attestation_support(std::string_view product_name) noexcept;

/// One warning on an included device. `other_device` names the colliding device for
/// client_identifier_collision.
struct InclusionWarning {
    AssignmentWarning kind = AssignmentWarning::attestation_unsupported;
    Severity severity = Severity::warning;
    DeviceIndex other_device = 0;
};

/// A device that receives the policy. `via` is a slice of PolicyResolution::via_groups (the target groups
/// it belongs to, by group index ascending), `direct` says the policy names the device itself, `fallback`
/// is a slice of PolicyResolution::fallback_from (the policies whose fallback brought it here), and
/// `warnings` is a slice of PolicyResolution::warnings. Slices keep fleet-sized results free of
/// per-device allocations.
struct Inclusion {
    DeviceIndex device = 0;
    bool direct = false;
    std::uint32_t via_begin = 0, via_count = 0;
    std::uint32_t warnings_begin = 0, warnings_count = 0;
    std::uint32_t fallback_begin = 0, fallback_count = 0;
};

/// A candidate device that receives another policy instead of this one, through this policy's fallback
/// chain (the first policy of the chain that fits it). `reason` and `variable` describe the exclusion it
/// would otherwise have had (unused for attestation_unsupported, which is no exclusion).
struct FallbackMove {
    DeviceIndex device = 0;
    FallbackCondition condition = FallbackCondition::attestation_unsupported;
    ExclusionReason reason = ExclusionReason::policy_invalid;
    std::uint8_t variable = 0;
    std::size_t target = 0;  // input position of the policy that receives the device
};

/// A candidate device that does not receive the policy. `variable` names the missing variable for
/// variable_unavailable (an index into variable_names()).
struct Exclusion {
    DeviceIndex device = 0;
    ExclusionReason reason = ExclusionReason::policy_invalid;
    std::uint8_t variable = 0;
};

/// The outcome for one policy. `policy_index` is the policy's position in the input vector.
/// `included` and `excluded` are sorted by device index (= device id order).
struct PolicyResolution {
    std::size_t policy_index = 0;
    bool valid = false;
    Report diagnostics;  // policy-level: invalid-policy summary, unknown target warnings
    std::vector<Inclusion> included;
    std::vector<Exclusion> excluded;
    std::vector<FallbackMove> moved;  // candidates that receive a fallback instead, sorted by device
    std::vector<GroupIndex> via_groups;
    std::vector<std::size_t> fallback_from;  // input positions of primaries, by policy id within a slice
    std::vector<InclusionWarning> warnings;
    std::uint32_t reason_counts[kExclusionReasonCount] = {};
};

/// The outcome for every policy, sorted by policy id (then input position, for equal ids).
struct Resolution {
    std::vector<PolicyResolution> policies;
};

/// Resolves every policy against the inventory. A PolicyCheck whose report is not valid (or that has no
/// typed policy) excludes all its candidates with policy_invalid. A candidate that a policy excludes, or
/// would include without attestation, for a condition its `fallback.when` lists is given to the first
/// policy of its fallback chain that fits the device: it is listed in the primary's `moved` and included
/// in that policy (with a `fallback` route). An invalid primary with a typed policy still hands over what
/// its document says (so devices keep their fallback while it is invalid). A fallback that names no policy
/// of the set, an invalid one, or leads round a cycle fits no device. Pure and deterministic; time and memory grow linearly with devices plus memberships of targeted groups.
/// `policies` must outlive no result: the resolution refers to them by index only.
Resolution resolve(const Inventory& inventory, const std::vector<PolicyCheck>& policies);

/// The human sentence for an exclusion, as shown by the portal ("iOS 15.7 is older than 16.0").
std::string exclusion_message(const Inventory& inventory, const Policy* policy, const Exclusion& exclusion);
/// The human sentence for a warning ("iPad7,5 cannot attest: Attest is ignored on A10X and earlier").
std::string warning_message(const Inventory& inventory, const Policy* policy, DeviceIndex device,
                            const InclusionWarning& warning);

/// The sentence for a device handed to a fallback ("iPad7,5 cannot attest: gets Corp ACME (no
/// attestation) instead"). `primary` is the resolution entry that lists `move`.
std::string fallback_message(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                             const PolicyResolution& primary, const FallbackMove& move);

/// The answer for one policy/device pair.
struct Explanation {
    bool included = false;
    std::optional<std::string> reason;  // an ExclusionReason spelling, a FallbackCondition one, or "not_targeted"
    std::string message;                // "included through group Sales" / "excluded: ..." / "fallback: ..."
    std::vector<Diagnostic> warnings;   // the included device's warnings (path "")
    /// Set when the device receives another policy instead, through this one's fallback: that policy's id.
    std::optional<std::string> fallback_policy;
};

/// Explains why `device` does or does not receive policies[policy_index] (index into the vector given to
/// resolve). `resolution` must come from resolve() over the same inventory and policies.
Explanation explain(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                    const Resolution& resolution, std::size_t policy_index, DeviceIndex device);

/// The public JSON of a resolution (docs/assignment.md). A policy that could not be read into a typed
/// Policy is listed with id and name "" (and sorts first).
nlohmann::json to_json(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                       const Resolution& resolution);

/// {"policy", "device", "included", "reason"?, "included_via_fallback"?: {"policy", "reason"}, "message",
/// "warnings"}.
nlohmann::json to_json(const Explanation& explanation, std::string_view policy_id, std::string_view device_id);

}  // namespace acmepolicy
