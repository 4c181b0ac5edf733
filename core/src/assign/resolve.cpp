// Assignment resolution: candidates from targets, one primary exclusion reason each, warnings on the rest.
#include "acmepolicy/resolve.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <unordered_map>

#include "assign/assign_internal.hpp"

namespace acmepolicy {
namespace {

constexpr std::uint32_t kDirect = 0xFFFFFFFFu;  // the "via" slot of a device the policy names itself

/// What decides eligibility for any policy, computed once per device on first use.
struct DeviceFacts {
    bool computed = false;
    bool eligible = false;  // platform, OS and enrollment all fine
    ExclusionReason reason = ExclusionReason::platform_unsupported;
    detail::VariableMask variables = 0;
    AttestationSupport attestation = AttestationSupport::unknown;
    bool user_enrollment = false;
};

DeviceFacts compute_facts(const DeviceRecord& device) {
    DeviceFacts facts;
    facts.computed = true;
    facts.variables = detail::available_variables(device);
    facts.attestation =
        device.product_name ? attestation_support(*device.product_name) : AttestationSupport::unknown;
    facts.user_enrollment = device.enrollment == Enrollment::user;
    if (!device.platform || (*device.platform != Platform::iOS && *device.platform != Platform::iPadOS)) {
        facts.reason = ExclusionReason::platform_unsupported;
        return facts;
    }
    const auto version = device.os_version ? parse_os_version(*device.os_version) : std::nullopt;
    if (!version) {
        facts.reason = ExclusionReason::os_unknown;
        return facts;
    }
    if (*version < kMinimumOsVersion) {
        facts.reason = ExclusionReason::os_too_old;
        return facts;
    }
    if (!device.enrollment || *device.enrollment == Enrollment::none) {
        facts.reason = ExclusionReason::not_enrolled;
        return facts;
    }
    facts.eligible = true;
    return facts;
}

/// The first variable (in documentation order) that the policy uses and the device lacks.
std::uint8_t first_missing(detail::VariableMask missing) noexcept {
    for (std::uint8_t v = 0; v < detail::kVariableCount; ++v)
        if (missing & (1u << v)) return v;
    return 0;
}

std::string first_error(const Report& report) {
    for (const auto& d : report.diagnostics())
        if (d.severity == Severity::error) return d.message;
    return "";
}

/// Finds included devices that would present the same ClientIdentifier. Identifiers are hashed into a
/// table (one 64-bit hash per device, no stored strings); a hash hit is confirmed by comparing the two
/// expansions, and the rare genuine hash collision of different strings falls back to exact keys.
/// Returns, per inclusion, the index of one partner inclusion, or kDirect for none.
std::vector<std::uint32_t> find_collisions(const Inventory& inventory, const std::vector<Inclusion>& included,
                                           const detail::CompiledTemplate& identifier) {
    std::vector<std::uint32_t> partner(included.size(), kDirect);
    std::unordered_map<std::size_t, std::uint32_t> first_by_hash;
    std::unordered_map<std::string, std::uint32_t> first_by_text;  // only for true hash collisions
    first_by_hash.reserve(included.size());
    std::string text, other;
    const auto& devices = inventory.devices();
    for (std::uint32_t i = 0; i < included.size(); ++i) {
        if (!detail::expand(identifier, devices[included[i].device], text)) continue;
        const std::size_t hash = std::hash<std::string_view>{}(text);
        auto [it, inserted] = first_by_hash.emplace(hash, i);
        if (inserted) continue;
        std::uint32_t first = it->second;
        detail::expand(identifier, devices[included[first].device], other);
        if (other != text) {
            auto [spill, fresh] = first_by_text.emplace(text, i);
            if (fresh) continue;
            first = spill->second;
        }
        partner[i] = first;
        if (partner[first] == kDirect) partner[first] = i;
    }
    return partner;
}

void resolve_policy(const Inventory& inventory, const PolicyCheck& check, std::vector<DeviceFacts>& facts,
                    std::vector<std::uint64_t>& scratch, PolicyResolution& out) {
    out.valid = check.policy.has_value() && check.report.valid();
    if (!out.valid) {
        std::size_t errors = 0;
        for (const auto& d : check.report.diagnostics()) errors += d.severity == Severity::error ? 1 : 0;
        std::string message = "The policy has " + std::to_string(errors) + " validation error" +
                              (errors == 1 ? "" : "s");
        if (errors > 0) message += " (first: " + first_error(check.report) + ")";
        else message += " (it could not be read)";
        out.diagnostics.error("resolve.policy_invalid", "",
                              message + "; no device receives it until they are fixed (run `acmepolicy validate`).");
    }
    if (!check.policy) return;
    const Policy& policy = *check.policy;

    // Candidates as (device << 32 | via) pairs: sorting groups each device's routes together, group
    // routes in group id order and the direct route last.
    scratch.clear();
    const auto& targets = policy.targets;
    for (std::size_t i = 0; i < targets.device_groups.size(); ++i) {
        auto group = inventory.find_group(targets.device_groups[i]);
        if (!group) {
            out.diagnostics.warning("resolve.unknown_group",
                                    json_pointer_append("/targets/device_groups", i),
                                    "Group \"" + targets.device_groups[i] +
                                        "\" is not in the inventory, so no device is targeted through it; create "
                                        "the group or remove it from the policy's targets.");
            continue;
        }
        for (DeviceIndex member : inventory.groups()[*group].members)
            scratch.push_back(static_cast<std::uint64_t>(member) << 32 | *group);
    }
    for (std::size_t i = 0; i < targets.devices.size(); ++i) {
        auto device = inventory.find_device(targets.devices[i]);
        if (!device) {
            out.diagnostics.warning("resolve.unknown_device", json_pointer_append("/targets/devices", i),
                                    "Device \"" + targets.devices[i] +
                                        "\" is not in the inventory; add it or remove it from the policy's "
                                        "targets.");
            continue;
        }
        scratch.push_back(static_cast<std::uint64_t>(*device) << 32 | kDirect);
    }
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());

    const detail::VariableMask used = detail::used_variables(policy);
    const bool attest = policy.payload.attest_enabled();
    const bool step_ca = policy.server_profile == ServerProfile::step_ca;
    std::vector<AttestationSupport> attestation;  // per inclusion, for the warnings pass

    const auto& devices = inventory.devices();
    for (std::size_t i = 0; i < scratch.size();) {
        const auto device = static_cast<DeviceIndex>(scratch[i] >> 32);
        const auto via_begin = static_cast<std::uint32_t>(out.via_groups.size());
        bool direct = false;
        for (; i < scratch.size() && (scratch[i] >> 32) == device; ++i) {
            const auto via = static_cast<std::uint32_t>(scratch[i] & 0xFFFFFFFFu);
            if (via == kDirect) direct = true;
            else out.via_groups.push_back(via);
        }
        DeviceFacts& f = facts[device];
        if (!f.computed) f = compute_facts(devices[device]);
        std::optional<ExclusionReason> reason;
        std::uint8_t variable = 0;
        if (!out.valid) {
            reason = ExclusionReason::policy_invalid;
        } else if (!f.eligible) {
            reason = f.reason;
        } else if (step_ca && f.user_enrollment) {
            reason = ExclusionReason::server_profile_incompatible;
        } else if (const auto missing = static_cast<detail::VariableMask>(used & ~f.variables); missing != 0) {
            reason = ExclusionReason::variable_unavailable;
            variable = first_missing(missing);
        }
        if (reason) {
            out.via_groups.resize(via_begin);  // routes are kept for inclusions only
            out.excluded.push_back(Exclusion{device, *reason, variable});
            ++out.reason_counts[static_cast<std::size_t>(*reason)];
            continue;
        }
        Inclusion inclusion;
        inclusion.device = device;
        inclusion.direct = direct;
        inclusion.via_begin = via_begin;
        inclusion.via_count = static_cast<std::uint32_t>(out.via_groups.size() - via_begin);
        out.included.push_back(inclusion);
        attestation.push_back(f.attestation);
    }

    std::vector<std::uint32_t> partner;
    const detail::CompiledTemplate identifier = detail::compile_template(policy.payload.client_identifier);
    if (identifier.usable && out.included.size() > 1) partner = find_collisions(inventory, out.included, identifier);

    for (std::size_t i = 0; i < out.included.size(); ++i) {
        Inclusion& inclusion = out.included[i];
        inclusion.warnings_begin = static_cast<std::uint32_t>(out.warnings.size());
        if (attest && attestation[i] != AttestationSupport::supported)
            out.warnings.push_back(InclusionWarning{
                AssignmentWarning::attestation_unsupported,
                attestation[i] == AttestationSupport::unknown ? Severity::info : Severity::warning, 0});
        if (!partner.empty() && partner[i] != kDirect)
            out.warnings.push_back(InclusionWarning{AssignmentWarning::client_identifier_collision, Severity::warning,
                                                    out.included[partner[i]].device});
        inclusion.warnings_count = static_cast<std::uint32_t>(out.warnings.size()) - inclusion.warnings_begin;
    }
}

}  // namespace

const char* to_string(ExclusionReason reason) noexcept {
    switch (reason) {
        case ExclusionReason::policy_invalid: return "policy_invalid";
        case ExclusionReason::platform_unsupported: return "platform_unsupported";
        case ExclusionReason::os_unknown: return "os_unknown";
        case ExclusionReason::os_too_old: return "os_too_old";
        case ExclusionReason::not_enrolled: return "not_enrolled";
        case ExclusionReason::server_profile_incompatible: return "server_profile_incompatible";
        case ExclusionReason::variable_unavailable: return "variable_unavailable";
    }
    return "policy_invalid";
}

const char* to_string(AssignmentWarning warning) noexcept {
    switch (warning) {
        case AssignmentWarning::attestation_unsupported: return "attestation_unsupported";
        case AssignmentWarning::client_identifier_collision: return "client_identifier_collision";
    }
    return "attestation_unsupported";
}

Resolution resolve(const Inventory& inventory, const std::vector<PolicyCheck>& policies) {
    Resolution resolution;
    std::vector<std::size_t> order(policies.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    static const std::string kUnread;
    auto id_of = [&](std::size_t i) -> const std::string& {
        return policies[i].policy ? policies[i].policy->id : kUnread;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return id_of(a) < id_of(b); });

    std::vector<DeviceFacts> facts(inventory.devices().size());
    std::vector<std::uint64_t> scratch;
    resolution.policies.resize(policies.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        PolicyResolution& out = resolution.policies[k];
        out.policy_index = order[k];
        resolve_policy(inventory, policies[order[k]], facts, scratch, out);
    }
    return resolution;
}

}  // namespace acmepolicy
