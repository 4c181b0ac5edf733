// Small pieces the engine's files share.
#include "server/engine_support.hpp"

#include <nlohmann/json.hpp>

#include "server/lifecycle_store.hpp"

namespace acmepolicy::server::engine_support {

std::optional<DeviceRecord> record_of(const DeviceRow& row) {
    auto json = nlohmann::json::parse(row.record, nullptr, false);
    if (json.is_discarded()) return std::nullopt;
    Report report;
    return read_device(json, "", report);
}

Generations generations_of(Db& db, const std::vector<std::string>& ids) {
    Generations out;
    for (const auto& r : renewal_generations(db, ids)) out[{r.device_id, r.policy_id}] = r.generation;
    return out;
}

std::int64_t generation_in(const Generations& generations, const std::string& device_id, const std::string& policy_id) {
    auto it = generations.find({device_id, policy_id});
    return it == generations.end() ? 0 : it->second;
}

AssignmentStatuses AssignmentStatuses::read(Store& store, Db& db) {
    AssignmentStatuses out;
    for (auto& [policy, device, status] : store.assignment_statuses(db))
        out.by_policy_[std::move(policy)][std::move(device)] = std::move(status);
    return out;
}

const std::unordered_map<std::string, std::string>* AssignmentStatuses::of_policy(const std::string& policy_id) const {
    auto it = by_policy_.find(policy_id);
    return it == by_policy_.end() ? nullptr : &it->second;
}

const std::string& AssignmentStatuses::of(const std::unordered_map<std::string, std::string>* policy,
                                          const std::string& device_id) const {
    static const std::string pending = "pending";
    if (!policy) return pending;
    auto it = policy->find(device_id);
    return it == policy->end() ? pending : it->second;
}

}  // namespace acmepolicy::server::engine_support
