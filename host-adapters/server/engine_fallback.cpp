// Fallback relations between stored policies: which policies hand devices to a given one (so that an edit
// of a fallback, or its creation after its primary, reconciles the devices its primaries hand over), and
// whether two policies are primary and fallback of each other (so that a move waits for the replacement).
#include <set>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"

#include "server/engine.hpp"

namespace acmepolicy::server {
namespace {

/// The id a stored document's fallback names, or "", as the core reads it (api_policy_targets; documents were
/// accepted by the core: no re-validation).
std::string fallback_id(const PolicyRow& row) {
    const auto answer = nlohmann::json::parse(api_policy_targets(row.document).json, nullptr, false);
    if (!answer.is_object()) return "";
    const auto fallback = answer.find("fallback");
    return fallback != answer.end() && fallback->is_object() ? fallback->value("policy", "") : "";
}

}  // namespace

std::vector<PolicyRow> primaries_of(const std::vector<PolicyRow>& policies, const std::string& policy_id) {
    std::vector<std::string> names;  // fallback id per row
    names.reserve(policies.size());
    for (const auto& row : policies) names.push_back(fallback_id(row));
    std::vector<PolicyRow> out;
    std::set<std::string> reached{policy_id};
    std::vector<std::string> frontier{policy_id};
    while (!frontier.empty()) {
        const std::string target = frontier.back();
        frontier.pop_back();
        for (std::size_t i = 0; i < policies.size(); ++i) {
            if (names[i] != target || !reached.insert(policies[i].id).second) continue;
            out.push_back(policies[i]);
            frontier.push_back(policies[i].id);
        }
    }
    return out;
}

bool fallback_related(const std::vector<PolicyRow>& policies, const std::string& a, const std::string& b) {
    if (a == b) return false;
    auto reaches = [&](const std::string& from, const std::string& to) {
        std::set<std::string> seen{from};
        std::string at = from;
        for (;;) {
            std::string next;
            for (const auto& row : policies)
                if (row.id == at) next = fallback_id(row);
            if (next.empty() || !seen.insert(next).second) return false;
            if (next == to) return true;
            at = next;
        }
    };
    return reaches(a, b) || reaches(b, a);
}

bool holds_fallback_related(Store& store, Db& db, const AssignmentRow& installed) {
    std::vector<PolicyRow> policies;
    for (const auto& a : store.assignments_of_device(db, installed.device_id)) {
        if (a.policy_id == installed.policy_id || a.status != "installed") continue;
        if (policies.empty()) policies = store.policies(db);
        if (fallback_related(policies, a.policy_id, installed.policy_id)) return true;
    }
    return false;
}

}  // namespace acmepolicy::server
