// Small pieces the engine's files share (engine.cpp, engine_queued.cpp): reading a stored device record and
// the renewal generations that go into a renewed certificate's profile.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "acmepolicy/device.hpp"
#include "server/store.hpp"

namespace acmepolicy::server::engine_support {

/// The stored record read by the core, or nullopt when it no longer reads (never for a record the server
/// stored itself; a hand-edited database can have one).
std::optional<DeviceRecord> record_of(const DeviceRow& row);

/// (device id, policy id) -> renewal generation, for the pairs of these devices that were renewed.
using Generations = std::map<std::pair<std::string, std::string>, std::int64_t>;

/// The renewal generation of each (device, policy) of these devices that was renewed (RenderOptions::renewal).
Generations generations_of(Db& db, const std::vector<std::string>& ids);

/// The pair's generation in `generations`; 0 when it was never renewed.
std::int64_t generation_in(const Generations& generations, const std::string& device_id, const std::string& policy_id);

/// Every assignment's status by policy and device, read in one lean query: "pending" when a pair has no row
/// (or a pending one), so only the other rows are held. For fleet-wide counts and views.
class AssignmentStatuses {
public:
    static AssignmentStatuses read(Store& store, Db& db);
    /// The statuses of one policy's devices, or null when none is other than pending.
    const std::unordered_map<std::string, std::string>* of_policy(const std::string& policy_id) const;
    /// The status of one pair; a reference to "pending" when it has none.
    const std::string& of(const std::unordered_map<std::string, std::string>* policy, const std::string& device_id) const;
    const std::string& of(const std::string& policy_id, const std::string& device_id) const {
        return of(of_policy(policy_id), device_id);
    }

private:
    std::unordered_map<std::string, std::unordered_map<std::string, std::string>> by_policy_;
};

}  // namespace acmepolicy::server::engine_support
