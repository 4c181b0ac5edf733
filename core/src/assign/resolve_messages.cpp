// The sentences the portal shows as-is, and explain(): one policy/device pair answered in words.
#include "acmepolicy/resolve.hpp"

#include <algorithm>

#include "acmepolicy/hardware.hpp"
#include "acmepolicy/variables.hpp"
#include "assign/assign_internal.hpp"

namespace acmepolicy {
namespace {

std::string platform_name(const DeviceRecord& device) {
    return device.platform ? to_string(*device.platform) : "iOS";
}

std::string group_label(const DeviceGroup& group) { return group.name.empty() ? group.id : group.name; }

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

}  // namespace

std::string exclusion_message(const Inventory& inventory, const Policy* policy, const Exclusion& exclusion) {
    const DeviceRecord& device = inventory.devices()[exclusion.device];
    switch (exclusion.reason) {
        case ExclusionReason::policy_invalid:
            return "the policy has validation errors, so no device receives it until they are fixed";
        case ExclusionReason::platform_unsupported:
            if (!device.platform)
                return "platform unknown: this policy applies to iOS/iPadOS only; record the device's platform";
            return std::string(to_string(*device.platform)) + ": this policy applies to iOS/iPadOS only";
        case ExclusionReason::os_unknown:
            if (!device.os_version)
                return platform_name(device) + " version unknown: the device record has no os_version, and the "
                                               "policy needs 16.0 or later";
            return platform_name(device) + " version \"" + *device.os_version +
                   "\" is not a version number such as 16.4.1; the policy needs 16.0 or later";
        case ExclusionReason::os_too_old:
            return platform_name(device) + " " + device.os_version.value_or("") + " is older than 16.0";
        case ExclusionReason::not_enrolled:
            if (!device.enrollment)
                return "enrollment unknown: the policy needs Automated Device Enrollment, Device Enrollment or "
                       "User Enrollment";
            return "not enrolled: enroll the device with Automated Device Enrollment, Device Enrollment or User "
                   "Enrollment";
        case ExclusionReason::variable_unavailable: {
            const std::string& name = variable_names()[exclusion.variable];
            if (device.enrollment == Enrollment::user &&
                (exclusion.variable == detail::kVariableSerialNumber || exclusion.variable == detail::kVariableUdid))
                return "the policy uses {{" + name + "}}, which User Enrollment devices do not have";
            return "the policy uses {{" + name + "}}, which this device record lacks";
        }
        case ExclusionReason::server_profile_incompatible:
            return std::string(policy ? to_string(policy->server_profile) : "step-ca") +
                   " needs the attested serial number or UDID, which User Enrollment devices do not provide";
    }
    return "";
}

std::string warning_message(const Inventory& inventory, const Policy* policy, DeviceIndex device_index,
                            const InclusionWarning& warning) {
    const DeviceRecord& device = inventory.devices()[device_index];
    if (warning.kind == AssignmentWarning::attestation_unsupported) {
        const std::string product = device.product_name.value_or("");
        if (warning.severity == Severity::info) {
            if (!device.product_name)
                return "the device record has no product_name, so whether it can attest is unknown; Attest needs "
                       "an A11 Bionic or later";
            return "product identifier \"" + product +
                   "\" is not one we know, so whether it can attest is unknown; Attest needs an A11 Bionic or "
                   "later";
        }
        const AttestationFamily* family = attestation_family(product);
        const std::string chips = family ? family->ignored_on : "this hardware";
        return product + " cannot attest: Attest is ignored on " + chips +
               ", so the device gets its certificate without attestation";
    }
    const DeviceRecord& other = inventory.devices()[warning.other_device];
    std::string identifier;
    if (policy) {
        const auto compiled = detail::compile_template(policy->payload.client_identifier);
        if (compiled.usable) detail::expand(compiled, device, identifier);
    }
    return "ClientIdentifier \"" + identifier + "\" is also presented by device " + other.id +
           "; make it unique per device, for example with {{udid}} or {{serial_number}}";
}

std::string fallback_message(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                             const PolicyResolution& primary, const FallbackMove& move) {
    const Policy* policy = primary.policy_index < policies.size() && policies[primary.policy_index].policy
                               ? &*policies[primary.policy_index].policy
                               : nullptr;
    const Policy* target =
        move.target < policies.size() && policies[move.target].policy ? &*policies[move.target].policy : nullptr;
    const std::string target_name = target ? target->name : "its fallback";
    std::string why;
    if (move.condition == FallbackCondition::attestation_unsupported) {
        const DeviceRecord& device = inventory.devices()[move.device];
        why = device.product_name.value_or("this device") + " cannot attest";
    } else {
        why = exclusion_message(inventory, policy, Exclusion{move.device, move.reason, move.variable});
    }
    return why + ": gets " + target_name + " instead";
}

Explanation explain(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                    const Resolution& resolution, std::size_t policy_index, DeviceIndex device) {
    Explanation explanation;
    const PolicyResolution* found = nullptr;
    for (const auto& p : resolution.policies)
        if (p.policy_index == policy_index) found = &p;
    const Policy* policy =
        policy_index < policies.size() && policies[policy_index].policy ? &*policies[policy_index].policy : nullptr;
    if (found) {
        auto by_device = [](const auto& entry, DeviceIndex d) { return entry.device < d; };
        auto inc = std::lower_bound(found->included.begin(), found->included.end(), device, by_device);
        if (inc != found->included.end() && inc->device == device) {
            explanation.included = true;
            std::vector<std::string> groups;
            for (std::uint32_t k = 0; k < inc->via_count; ++k)
                groups.push_back(group_label(inventory.groups()[found->via_groups[inc->via_begin + k]]));
            std::vector<std::string> routes;
            if (inc->direct) routes.push_back("directly");
            if (!groups.empty())
                routes.push_back(std::string("through group") + (groups.size() > 1 ? "s " : " ") + join_names(groups));
            std::vector<std::string> primaries;
            for (std::uint32_t k = 0; k < inc->fallback_count; ++k) {
                const std::size_t from = found->fallback_from[inc->fallback_begin + k];
                primaries.push_back(from < policies.size() && policies[from].policy ? policies[from].policy->name : "");
            }
            if (!primaries.empty()) routes.push_back("as the fallback of " + join_names(primaries));
            explanation.message = "included " + join_names(routes);
            for (std::uint32_t k = 0; k < inc->warnings_count; ++k) {
                const InclusionWarning& w = found->warnings[inc->warnings_begin + k];
                explanation.warnings.push_back(
                    Diagnostic{w.severity, to_string(w.kind), "", warning_message(inventory, policy, device, w)});
            }
            return explanation;
        }
        auto move = std::lower_bound(found->moved.begin(), found->moved.end(), device, by_device);
        if (move != found->moved.end() && move->device == device) {
            explanation.reason = to_string(move->condition);
            const bool known = move->target < policies.size() && policies[move->target].policy;
            explanation.fallback_policy = known ? policies[move->target].policy->id : std::string();
            explanation.message = "fallback: " + fallback_message(inventory, policies, *found, *move);
            return explanation;
        }
        auto exc = std::lower_bound(found->excluded.begin(), found->excluded.end(), device, by_device);
        if (exc != found->excluded.end() && exc->device == device) {
            explanation.reason = to_string(exc->reason);
            explanation.message = "excluded: " + exclusion_message(inventory, policy, *exc);
            return explanation;
        }
    }
    explanation.reason = "not_targeted";
    explanation.message = "not targeted: the policy names neither this device nor a group it belongs to";
    return explanation;
}

}  // namespace acmepolicy
