// The reconciliation plan: from a resolution and what devices have installed, the profiles to install,
// update or remove. Pure and deterministic; applying a plan to its state and planning again gives nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/render.hpp"  // ProfileIdentity
#include "acmepolicy/resolve.hpp"

namespace acmepolicy {

/// One installed profile, as the MDM server last recorded it.
struct InstalledProfile {
    std::string device_id;
    std::string policy_id;
    ProfileIdentity identity;
};

/// What devices have installed: entries sorted by (device id, policy id), at most one per pair.
/// JSON: {"devices": {"<device id>": {"<policy id>": {"payload_identifier", "payload_uuid"}}}}.
struct State {
    std::vector<InstalledProfile> profiles;

    /// Sorts the entries into canonical order; a repeated (device, policy) pair keeps its first entry.
    void normalize();
};

/// Reads a state document (see State). Unknown keys inside an entry, wrong types and empty identifiers
/// are `state.*` errors; the returned state holds what could be read, already normalized.
State read_state(const nlohmann::json& document, Report& report);
nlohmann::json to_json(const State& state);

enum class PlanActionKind : std::uint8_t { remove, install, update };
const char* to_string(PlanActionKind kind) noexcept;  // "remove", "install", "update"

/// One action. install/update carry the desired identity (payload_uuid set); remove carries the
/// identifier found in the state (for RemoveProfile) and no UUID.
struct PlanAction {
    PlanActionKind kind = PlanActionKind::install;
    std::string device_id;
    std::string policy_id;
    std::string payload_identifier;
    std::optional<std::string> payload_uuid;
};

/// Actions grouped by device id (ascending). Within one device: installs and updates by policy id (a
/// remove of an old identifier right before the install that replaces it), then the removals of profiles
/// no longer wanted, by policy id, so that a device never loses its identity while it moves.
struct Plan {
    std::vector<PlanAction> actions;
    Report diagnostics;  // pairs whose identity could not be computed (they get no action)
};

/// The pair whose desired identity is asked for. Indices let callers use precomputed tables.
struct PlanPair {
    const Policy& policy;
    std::size_t policy_index;  // position in the policies vector given to resolve()
    const DeviceRecord& device;
    DeviceIndex device_index;
};

/// Computes the identity a device should have for a policy, e.g. with profile_identity() from render.hpp.
/// Returns nullopt (after adding a diagnostic to `report`) when it cannot be computed.
using IdentityFunction = std::function<std::optional<ProfileIdentity>(const PlanPair& pair, Report& report)>;

/// Plans the actions that bring `state` to what `resolution` says:
/// - included and absent from the state → install;
/// - included, same identifier, different UUID → update; same UUID → nothing;
/// - included but installed under another identifier (the prefix changed) → remove the old, install new;
/// - installed but not included (excluded, no longer targeted, the policy or the device is gone) → remove,
///   after the device's installs;
/// - installed for a policy that is invalid (policy_invalid) → nothing: an invalid policy never removes what
///   is installed, only unassignment, an edit or deleting the policy does. While a policy of the set
///   cannot be read at all (it has no id), no profile is removed for belonging to a policy that is gone.
/// A pair whose identity cannot be computed gets no action (its installed profile is left alone) and a
/// diagnostic. Policies with the same id: the first in resolution order counts.
Plan plan(const Inventory& inventory, const std::vector<PolicyCheck>& policies, const Resolution& resolution,
          const State& state, const IdentityFunction& desired_identity);

/// Applies actions in order to a state (remove deletes the pair, install/update set it) and returns the
/// result, normalized.
State apply(const State& state, const Plan& plan);

/// {"actions": [{"action", "device", "policy", "payload_identifier", "payload_uuid"?}], "diagnostics"}
nlohmann::json to_json(const Plan& plan);

}  // namespace acmepolicy
