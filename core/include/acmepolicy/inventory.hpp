// The device inventory: every known device record and the device groups that policies target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy {

/// Index of a device in Inventory::devices(). 32 bits keep fleet-sized membership lists small.
using DeviceIndex = std::uint32_t;
/// Index of a group in Inventory::groups().
using GroupIndex = std::uint32_t;

/// A group as a document describes it: member device ids, not yet checked against the devices.
struct GroupSpec {
    std::string id;
    std::string name;
    std::vector<std::string> device_ids;
};

/// A checked group: members are indices into Inventory::devices(), sorted ascending, without repeats and
/// without unknown devices.
struct DeviceGroup {
    std::string id;
    std::string name;
    std::vector<DeviceIndex> members;
};

/// An immutable, indexed inventory. Devices and groups are kept sorted by id (byte order), so a device's
/// index order is also its id order: resolution output needs no further sorting, and lookups by id are
/// binary searches over the records themselves (no second copy of every id).
class Inventory {
public:
    Inventory() = default;

    /// Builds an inventory from typed parts. Duplicate device or group ids are `inventory.duplicate_id`
    /// errors (the first record is kept); a group member naming no device is an `inventory.unknown_device`
    /// warning (the member is dropped). `path` prefixes are "/devices/<i>" and "/groups/<i>/devices/<j>",
    /// with i and j the positions given here, or the document positions in `device_positions` /
    /// `group_positions` when given (one per element; readers that skip bad records pass them).
    /// Never throws for bad input (std::bad_alloc aside).
    static Inventory build(std::vector<DeviceRecord> devices, std::vector<GroupSpec> groups, Report& report,
                           const std::vector<std::size_t>* device_positions = nullptr,
                           const std::vector<std::size_t>* group_positions = nullptr);

    const std::vector<DeviceRecord>& devices() const noexcept { return devices_; }
    const std::vector<DeviceGroup>& groups() const noexcept { return groups_; }

    /// The index of the device or group with this id; nullopt when there is none. O(log n).
    std::optional<DeviceIndex> find_device(std::string_view id) const noexcept;
    std::optional<GroupIndex> find_group(std::string_view id) const noexcept;

private:
    std::vector<DeviceRecord> devices_;
    std::vector<DeviceGroup> groups_;
};

/// Reads an inventory document: {"devices": [<device record>...], "groups": [{"id", "name", "devices":
/// [ids]}]}. Both keys are optional (an empty inventory is valid); unknown keys, wrong types and bad
/// device records are errors (`inventory.*`, `device.*` codes). Diagnostics go to `report`; the returned
/// inventory holds whatever could be read, and callers must check report.valid() before trusting it.
Inventory read_inventory(const nlohmann::json& document, Report& report);

/// The same, from JSON text (read strictly, with limits fit for fleets: up to 64 MiB). Syntax errors are
/// `json.*` errors and give an empty inventory.
Inventory parse_inventory(std::string_view json_text, Report& report);

/// The JSON text limits used for inventories, state documents and policy arrays in the assignment API.
struct JsonLimits;
const JsonLimits& fleet_json_limits() noexcept;

}  // namespace acmepolicy
