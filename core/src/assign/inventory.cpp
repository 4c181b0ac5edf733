// Reading and indexing the device inventory.
#include "acmepolicy/inventory.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "acmepolicy/json_reader.hpp"

namespace acmepolicy {
namespace {

template <typename Item>
std::optional<std::uint32_t> find_by_id(const std::vector<Item>& items, std::string_view id) noexcept {
    auto it = std::lower_bound(items.begin(), items.end(), id,
                               [](const Item& item, std::string_view key) { return std::string_view(item.id) < key; });
    if (it == items.end() || it->id != id) return std::nullopt;
    return static_cast<std::uint32_t>(it - items.begin());
}

bool read_string_field(const nlohmann::json& object, const char* key, const std::string& path, bool required,
                       std::string& out, Report& report) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        if (required)
            report.error("inventory.missing", json_pointer_append(path, key),
                         std::string("A group needs a non-empty \"") + key + "\".");
        return !required;
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
        report.error("inventory.type", json_pointer_append(path, key),
                     std::string("\"") + key + "\" must be a " + (required ? "non-empty " : "") + "string.");
        return false;
    }
    out = it->get<std::string>();
    return true;
}

std::optional<GroupSpec> read_group(const nlohmann::json& value, const std::string& path, Report& report) {
    if (!value.is_object()) {
        report.error("inventory.type", path, "A group must be an object {\"id\", \"name\", \"devices\": [ids]}.");
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : value.items()) {
        if (item.key() != "id" && item.key() != "name" && item.key() != "devices") {
            report.error("inventory.unknown_key", json_pointer_append(path, item.key()),
                         "\"" + item.key() + "\" is not a group field; the fields are id, name and devices.");
            ok = false;
        }
    }
    GroupSpec group;
    ok = read_string_field(value, "id", path, true, group.id, report) && ok;
    ok = read_string_field(value, "name", path, false, group.name, report) && ok;
    if (auto it = value.find("devices"); it != value.end() && !it->is_null()) {
        const std::string devices_path = json_pointer_append(path, "devices");
        if (!it->is_array()) {
            report.error("inventory.type", devices_path, "\"devices\" must be an array of device ids.");
            ok = false;
        } else {
            group.device_ids.reserve(it->size());
            std::size_t index = 0;
            for (const auto& member : *it) {
                if (member.is_string()) {
                    group.device_ids.push_back(member.get<std::string>());
                } else {
                    report.error("inventory.type", json_pointer_append(devices_path, index),
                                 "A group member must be a device id (a string).");
                    ok = false;
                }
                ++index;
            }
        }
    }
    if (!ok) return std::nullopt;
    return group;
}

}  // namespace

const JsonLimits& fleet_json_limits() noexcept {
    // Inventories of a hundred thousand devices run to tens of megabytes; nesting stays shallow.
    static const JsonLimits limits{64u * 1024u * 1024u, 16, 4096};
    return limits;
}

std::optional<DeviceIndex> Inventory::find_device(std::string_view id) const noexcept {
    return find_by_id(devices_, id);
}

std::optional<GroupIndex> Inventory::find_group(std::string_view id) const noexcept {
    return find_by_id(groups_, id);
}

Inventory Inventory::build(std::vector<DeviceRecord> devices, std::vector<GroupSpec> groups, Report& report,
                           const std::vector<std::size_t>* device_positions,
                           const std::vector<std::size_t>* group_positions) {
    Inventory inventory;
    auto device_position = [&](std::uint32_t i) -> std::size_t {
        return device_positions && i < device_positions->size() ? (*device_positions)[i] : i;
    };
    auto group_position = [&](std::uint32_t i) -> std::size_t {
        return group_positions && i < group_positions->size() ? (*group_positions)[i] : i;
    };

    // Devices: sort positions by id (stable, so the first of duplicates stays first), then keep the first.
    std::vector<std::uint32_t> order(devices.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return devices[a].id < devices[b].id; });
    inventory.devices_.reserve(devices.size());
    std::vector<std::uint32_t> duplicates;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (!inventory.devices_.empty() && devices[order[i]].id == inventory.devices_.back().id) {
            duplicates.push_back(order[i]);
            continue;
        }
        inventory.devices_.push_back(std::move(devices[order[i]]));
    }
    std::sort(duplicates.begin(), duplicates.end());
    for (std::uint32_t position : duplicates)
        report.error("inventory.duplicate_id", json_pointer_append(json_pointer_append("/devices", device_position(position)), "id"),
                     "Another device already has this id; device ids must be unique (the first record is used).");

    // A temporary hash index makes reading hundreds of thousands of memberships fast; afterwards lookups
    // are binary searches over the sorted records.
    std::unordered_map<std::string_view, DeviceIndex> index;
    index.reserve(inventory.devices_.size());
    for (DeviceIndex i = 0; i < inventory.devices_.size(); ++i) index.emplace(inventory.devices_[i].id, i);

    std::vector<std::uint32_t> group_order(groups.size());
    std::iota(group_order.begin(), group_order.end(), 0u);
    std::stable_sort(group_order.begin(), group_order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return groups[a].id < groups[b].id; });
    inventory.groups_.reserve(groups.size());
    std::vector<std::uint32_t> duplicate_groups;
    for (std::size_t i = 0; i < group_order.size(); ++i) {
        GroupSpec& spec = groups[group_order[i]];
        if (!inventory.groups_.empty() && spec.id == inventory.groups_.back().id) {
            duplicate_groups.push_back(group_order[i]);
            continue;
        }
        DeviceGroup group{std::move(spec.id), std::move(spec.name), {}};
        group.members.reserve(spec.device_ids.size());
        for (std::size_t m = 0; m < spec.device_ids.size(); ++m) {
            auto found = index.find(spec.device_ids[m]);
            if (found == index.end()) {
                report.warning("inventory.unknown_device",
                               json_pointer_append(json_pointer_append(json_pointer_append("/groups", group_position(group_order[i])),
                                                                       "devices"),
                                                   m),
                               "Group \"" + group.id + "\" names device \"" + spec.device_ids[m] +
                                   "\", which is not in the inventory; the member is ignored. Add the device "
                                   "or remove it from the group.");
                continue;
            }
            group.members.push_back(found->second);
        }
        std::sort(group.members.begin(), group.members.end());
        group.members.erase(std::unique(group.members.begin(), group.members.end()), group.members.end());
        inventory.groups_.push_back(std::move(group));
    }
    std::sort(duplicate_groups.begin(), duplicate_groups.end());
    for (std::uint32_t position : duplicate_groups)
        report.error("inventory.duplicate_id", json_pointer_append(json_pointer_append("/groups", group_position(position)), "id"),
                     "Another group already has this id; group ids must be unique (the first group is used).");
    return inventory;
}

Inventory read_inventory(const nlohmann::json& document, Report& report) {
    if (!document.is_object()) {
        report.error("inventory.type", "", "An inventory must be an object {\"devices\": [...], \"groups\": [...]}.");
        return {};
    }
    for (const auto& item : document.items()) {
        if (item.key() != "devices" && item.key() != "groups")
            report.error("inventory.unknown_key", json_pointer_append("", item.key()),
                         "\"" + item.key() + "\" is not an inventory field; the fields are devices and groups.");
    }
    std::vector<DeviceRecord> devices;
    std::vector<std::size_t> device_positions;
    if (auto it = document.find("devices"); it != document.end() && !it->is_null()) {
        if (!it->is_array()) {
            report.error("inventory.type", "/devices", "\"devices\" must be an array of device records.");
        } else {
            devices.reserve(it->size());
            std::size_t i = 0;
            for (const auto& value : *it) {
                if (auto device = read_device(value, json_pointer_append("/devices", i), report)) {
                    devices.push_back(std::move(*device));
                    device_positions.push_back(i);
                }
                ++i;
            }
        }
    }
    std::vector<GroupSpec> groups;
    std::vector<std::size_t> group_positions;
    if (auto it = document.find("groups"); it != document.end() && !it->is_null()) {
        if (!it->is_array()) {
            report.error("inventory.type", "/groups", "\"groups\" must be an array of groups.");
        } else {
            groups.reserve(it->size());
            std::size_t i = 0;
            for (const auto& value : *it) {
                if (auto group = read_group(value, json_pointer_append("/groups", i), report)) {
                    groups.push_back(std::move(*group));
                    group_positions.push_back(i);
                }
                ++i;
            }
        }
    }
    return Inventory::build(std::move(devices), std::move(groups), report, &device_positions, &group_positions);
}

Inventory parse_inventory(std::string_view json_text, Report& report) {
    JsonReadResult read = read_json(json_text, fleet_json_limits());
    report.append(read.report);
    if (!read.value) return {};
    return read_inventory(*read.value, report);
}

}  // namespace acmepolicy
