// The public JSON shapes of resolutions and explanations (docs/assignment.md).
#include <nlohmann/json.hpp>

#include "acmepolicy/resolve.hpp"

namespace acmepolicy {

nlohmann::json to_json(const Inventory& inventory, const std::vector<PolicyCheck>& policies,
                       const Resolution& resolution) {
    using nlohmann::json;
    json list = json::array();
    const auto& devices = inventory.devices();
    const auto& groups = inventory.groups();
    for (const PolicyResolution& p : resolution.policies) {
        const Policy* policy = p.policy_index < policies.size() && policies[p.policy_index].policy
                                   ? &*policies[p.policy_index].policy
                                   : nullptr;
        json diagnostics = json::array();
        for (const auto& d : p.diagnostics.diagnostics()) diagnostics.push_back(to_json(d));

        json included = json::array();
        for (const Inclusion& inc : p.included) {
            json via = json::array();
            for (std::uint32_t k = 0; k < inc.via_count; ++k)
                via.push_back("group:" + groups[p.via_groups[inc.via_begin + k]].id);
            if (inc.direct) via.push_back("device");
            for (std::uint32_t k = 0; k < inc.fallback_count; ++k) {
                const std::size_t from = p.fallback_from[inc.fallback_begin + k];
                via.push_back("fallback:" + (from < policies.size() && policies[from].policy ? policies[from].policy->id
                                                                                           : std::string()));
            }
            json warnings = json::array();
            for (std::uint32_t k = 0; k < inc.warnings_count; ++k) {
                const InclusionWarning& w = p.warnings[inc.warnings_begin + k];
                warnings.push_back(json{{"severity", to_string(w.severity)},
                                        {"code", to_string(w.kind)},
                                        {"message", warning_message(inventory, policy, inc.device, w)}});
            }
            included.push_back(
                json{{"device", devices[inc.device].id}, {"via", std::move(via)}, {"warnings", std::move(warnings)}});
        }

        json excluded = json::array();
        for (const Exclusion& exc : p.excluded)
            excluded.push_back(json{{"device", devices[exc.device].id},
                                    {"reason", to_string(exc.reason)},
                                    {"message", exclusion_message(inventory, policy, exc)}});

        json moved = json::array();
        for (const FallbackMove& move : p.moved) {
            const bool known = move.target < policies.size() && policies[move.target].policy;
            const Policy* target = known ? &*policies[move.target].policy : nullptr;
            moved.push_back(json{{"device", devices[move.device].id},
                                 {"policy", target ? target->id : ""},
                                 {"reason", to_string(move.condition)},
                                 {"message", fallback_message(inventory, policies, p, move)}});
        }

        json counts = json::object();
        counts["included"] = p.included.size();
        counts["excluded"] = p.excluded.size();
        counts["included_via_fallback"] = p.moved.size();
        for (std::size_t r = 0; r < kExclusionReasonCount; ++r)
            counts[to_string(static_cast<ExclusionReason>(r))] = p.reason_counts[r];

        list.push_back(json{{"id", policy ? policy->id : ""},
                            {"name", policy ? policy->name : ""},
                            {"valid", p.valid},
                            {"diagnostics", std::move(diagnostics)},
                            {"included", std::move(included)},
                            {"excluded", std::move(excluded)},
                            {"included_via_fallback", std::move(moved)},
                            {"counts", std::move(counts)}});
    }
    return json{{"policies", std::move(list)}};
}

nlohmann::json to_json(const Explanation& explanation, std::string_view policy_id, std::string_view device_id) {
    nlohmann::json out = {{"policy", policy_id}, {"device", device_id}, {"included", explanation.included}};
    if (explanation.reason) out["reason"] = *explanation.reason;
    if (explanation.fallback_policy)
        out["included_via_fallback"] = {{"policy", *explanation.fallback_policy},
                                        {"reason", explanation.reason.value_or("")}};
    out["message"] = explanation.message;
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : explanation.warnings)
        warnings.push_back({{"severity", to_string(w.severity)}, {"code", w.code}, {"message", w.message}});
    out["warnings"] = std::move(warnings);
    return out;
}

}  // namespace acmepolicy
