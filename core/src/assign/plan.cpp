// The reconciliation plan: a merge of the desired profiles (from the resolution) with the installed ones.
#include "acmepolicy/plan.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

namespace acmepolicy {
namespace {

/// One profile a device should have: the device and the resolution entry (policy) it comes from.
struct Desired {
    DeviceIndex device;
    std::uint32_t policy_rank;  // position in resolution.policies (sorted by policy id)
};

int compare_pair(const std::string& device_a, const std::string& policy_a, const std::string& device_b,
                 const std::string& policy_b) {
    if (int c = device_a.compare(device_b)) return c;
    return policy_a.compare(policy_b);
}

}  // namespace

const char* to_string(PlanActionKind kind) noexcept {
    switch (kind) {
        case PlanActionKind::remove: return "remove";
        case PlanActionKind::install: return "install";
        case PlanActionKind::update: return "update";
    }
    return "install";
}

Plan plan(const Inventory& inventory, const std::vector<PolicyCheck>& policies, const Resolution& resolution,
          const State& state, const IdentityFunction& desired_identity) {
    Plan result;
    const auto& devices = inventory.devices();

    // Desired pairs in (device id, policy id) order: device index order is id order, and resolution
    // entries are sorted by policy id. A repeated policy id keeps its first entry.
    std::vector<Desired> desired;
    std::size_t total = 0;
    for (const auto& p : resolution.policies) total += p.included.size();
    desired.reserve(total);
    // Policies whose installed profiles stay whatever the resolution says: an invalid policy is frozen as
    // it was, never uninstalled (only unassignment, an edit or deleting it removes profiles). A policy
    // that cannot be read has no id, so while one is in the set no profile counts as "policy deleted".
    std::unordered_set<std::string_view> frozen;
    bool unreadable = false;
    std::unordered_set<std::string_view> known;
    for (std::uint32_t rank = 0; rank < resolution.policies.size(); ++rank) {
        const PolicyResolution& p = resolution.policies[rank];
        const PolicyCheck& check = policies[p.policy_index];
        if (!check.policy) {
            unreadable = true;
            continue;
        }
        if (!known.insert(check.policy->id).second) continue;
        if (!p.valid) {
            frozen.insert(check.policy->id);
            continue;
        }
        for (const Inclusion& inc : p.included) desired.push_back(Desired{inc.device, rank});
    }
    std::sort(desired.begin(), desired.end(), [](const Desired& a, const Desired& b) {
        return a.device != b.device ? a.device < b.device : a.policy_rank < b.policy_rank;
    });

    auto policy_of = [&](const Desired& d) -> const Policy& {
        return *policies[resolution.policies[d.policy_rank].policy_index].policy;
    };
    // Per device, every install and update goes out before the removals of profiles no longer wanted, so
    // a device moving from one policy to another (a fallback, a changed target) always keeps an identity.
    // A remove that clears the way for a new identifier of the same pair stays right before its install.
    std::vector<PlanAction> removals;
    const std::string* removals_device = nullptr;
    auto flush_removals = [&] {
        for (auto& a : removals) result.actions.push_back(std::move(a));
        removals.clear();
    };
    auto begin_device = [&](const std::string& device_id) {
        if (removals_device && *removals_device != device_id) flush_removals();
        removals_device = &device_id;
    };
    auto remove = [&](const InstalledProfile& installed, bool replaced) {
        begin_device(installed.device_id);
        PlanAction action{PlanActionKind::remove, installed.device_id, installed.policy_id,
                          installed.identity.payload_identifier, std::nullopt};
        if (replaced) result.actions.push_back(std::move(action));
        else removals.push_back(std::move(action));
    };
    auto keeps = [&](const InstalledProfile& installed) {
        if (frozen.count(installed.policy_id)) return true;
        return unreadable && !known.count(installed.policy_id);
    };
    // Returns the identity, or nullopt when it cannot be computed (then the pair is left alone).
    auto identity_of = [&](const Desired& d) {
        const std::size_t policy_index = resolution.policies[d.policy_rank].policy_index;
        return desired_identity(PlanPair{policy_of(d), policy_index, devices[d.device], d.device},
                                result.diagnostics);
    };
    auto install = [&](PlanActionKind kind, const Desired& d, ProfileIdentity&& identity) {
        begin_device(devices[d.device].id);
        result.actions.push_back(PlanAction{kind, devices[d.device].id, policy_of(d).id,
                                            std::move(identity.payload_identifier),
                                            std::move(identity.payload_uuid)});
    };

    // Merge join of the two sorted sequences.
    std::size_t i = 0, j = 0;
    const auto& installed = state.profiles;
    while (i < desired.size() || j < installed.size()) {
        int order;
        if (i == desired.size()) order = 1;
        else if (j == installed.size()) order = -1;
        else
            order = compare_pair(devices[desired[i].device].id, policy_of(desired[i]).id, installed[j].device_id,
                                 installed[j].policy_id);
        if (order > 0) {  // installed, no longer wanted
            if (!keeps(installed[j])) remove(installed[j], false);
            ++j;
            continue;
        }
        auto identity = identity_of(desired[i]);
        if (order < 0) {  // wanted, not installed
            if (identity) install(PlanActionKind::install, desired[i], std::move(*identity));
            ++i;
            continue;
        }
        const InstalledProfile& current = installed[j];
        if (identity) {
            if (identity->payload_identifier != current.identity.payload_identifier) {
                // A different identifier is a different profile on the device: replace it.
                remove(current, true);
                install(PlanActionKind::install, desired[i], std::move(*identity));
            } else if (identity->payload_uuid != current.identity.payload_uuid) {
                install(PlanActionKind::update, desired[i], std::move(*identity));
            }
        }
        ++i;
        ++j;
    }
    flush_removals();
    return result;
}

State apply(const State& state, const Plan& plan) {
    // Actions are grouped by device but not sorted by policy within one (installs come first), so they
    // are applied in their order to a keyed copy of the state.
    std::map<std::pair<std::string, std::string>, ProfileIdentity> profiles;
    for (const InstalledProfile& p : state.profiles) profiles.emplace(std::make_pair(p.device_id, p.policy_id), p.identity);
    for (const PlanAction& a : plan.actions) {
        const auto key = std::make_pair(a.device_id, a.policy_id);
        if (a.kind == PlanActionKind::remove) profiles.erase(key);
        else profiles[key] = ProfileIdentity{a.payload_identifier, a.payload_uuid.value_or("")};
    }
    State next;
    next.profiles.reserve(profiles.size());
    for (auto& [key, identity] : profiles) next.profiles.push_back({key.first, key.second, std::move(identity)});
    next.normalize();
    return next;
}

nlohmann::json to_json(const Plan& plan) {
    nlohmann::json actions = nlohmann::json::array();
    for (const PlanAction& a : plan.actions) {
        nlohmann::json entry = {{"action", to_string(a.kind)},
                                {"device", a.device_id},
                                {"policy", a.policy_id},
                                {"payload_identifier", a.payload_identifier}};
        if (a.payload_uuid) entry["payload_uuid"] = *a.payload_uuid;
        actions.push_back(std::move(entry));
    }
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const auto& d : plan.diagnostics.diagnostics()) diagnostics.push_back(to_json(d));
    return nlohmann::json{{"actions", std::move(actions)}, {"diagnostics", std::move(diagnostics)}};
}

}  // namespace acmepolicy
