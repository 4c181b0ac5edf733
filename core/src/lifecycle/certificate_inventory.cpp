// Reading the certificate inventory (see certificate_inventory.hpp): strict, every problem a diagnostic.
#include "lifecycle/certificate_inventory.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/json_reader.hpp"

namespace acmepolicy::lifecycle_detail {
namespace {

const char* const kNotObject = "certificate_inventory.not_object";
const char* const kEntryInvalid = "certificate_inventory.entry_invalid";
const char* const kDuplicate = "certificate_inventory.duplicate_device";

}  // namespace

bool read_inventory_entry(const nlohmann::json& value, const std::string& path, InventoryEntry& entry,
                          Report& report) {
    if (!value.is_object()) {
        report.error(kEntryInvalid, path,
                     "Each device of a certificate inventory is an object {\"device\": {...}, \"certificates\": "
                     "[...]}; this one is not.");
        return false;
    }
    bool ok = true;
    for (const auto& item : value.items()) {
        const std::string& key = item.key();
        if (key == "device" || key == "certificates" || key == "policies" || key == "last_renewal") continue;
        report.error(kEntryInvalid, json_pointer_append(path, key),
                     "Unknown key \"" + key + "\": a device entry has device, certificates, policies and "
                     "last_renewal only.");
        ok = false;
    }
    auto device = value.find("device");
    if (device == value.end()) {
        report.error(kEntryInvalid, json_pointer_append(path, "device"),
                     "device is required: add the device record ({\"id\": ..., \"serial_number\": ...}).");
        return false;
    }
    std::optional<DeviceRecord> record = read_device(*device, json_pointer_append(path, "device"), report);
    if (!record) return false;
    entry.device = std::move(*record);
    if (auto certificates = value.find("certificates"); certificates != value.end()) {
        CertificateListRead read = read_certificate_entries(*certificates, json_pointer_append(path, "certificates"));
        report.append(read.report);
        if (!read.ok()) return false;
        entry.certificates = std::move(read.certificates);
    }
    if (auto policies = value.find("policies"); policies != value.end() && !policies->is_null()) {
        std::vector<std::string> ids;
        bool strings = policies->is_array();
        if (strings)
            for (const auto& id : *policies) {
                if (!id.is_string()) strings = false;
                else ids.push_back(id.get<std::string>());
            }
        if (!strings) {
            report.error(kEntryInvalid, json_pointer_append(path, "policies"),
                         "policies must be an array of policy ids, such as [\"corp-acme\"].");
            ok = false;
        } else {
            entry.policies = std::move(ids);
        }
    }
    if (auto last = value.find("last_renewal"); last != value.end() && !last->is_null()) {
        const std::string last_path = json_pointer_append(path, "last_renewal");
        if (!last->is_object()) {
            report.error(kEntryInvalid, last_path,
                         "last_renewal must be an object of policy id to RFC 3339 time, such as "
                         "{\"corp-acme\": \"2026-11-28T12:00:00Z\"}.");
            ok = false;
        } else {
            for (const auto& item : last->items()) {
                std::optional<std::int64_t> seconds;
                if (item.value().is_string()) seconds = parse_rfc3339(item.value().get<std::string>());
                if (!seconds) {
                    report.error(kEntryInvalid, json_pointer_append(last_path, item.key()),
                                 "This last renewal time must be an RFC 3339 time such as \"2026-11-28T12:00:00Z\".");
                    ok = false;
                    continue;
                }
                entry.last_renewal[item.key()] = *seconds;
            }
        }
    }
    return ok;
}

std::vector<InventoryEntry> read_certificate_inventory(std::string_view json_text, Report& report) {
    std::vector<InventoryEntry> entries;
    // Fleet-sized, and strings as long as a base64 certificate can be.
    JsonLimits limits = fleet_json_limits();
    limits.max_string_bytes = 128 * 1024;
    JsonReadResult read = read_json(json_text, limits);
    report.append(read.report);
    if (!read.value) return entries;
    const nlohmann::json& document = *read.value;
    auto devices = document.is_object() ? document.find("devices") : document.end();
    if (!document.is_object() || devices == document.end() || !devices->is_array()) {
        report.error(kNotObject, "",
                     "A certificate inventory is an object {\"devices\": [{\"device\": {...}, \"certificates\": "
                     "[...]}, ...]}.");
        return entries;
    }
    for (const auto& item : document.items())
        if (item.key() != "devices")
            report.error(kNotObject, json_pointer_append("", item.key()),
                         "Unknown key \"" + item.key() + "\": a certificate inventory has only devices.");
    std::set<std::string> seen;
    entries.reserve(devices->size());
    for (std::size_t i = 0; i < devices->size(); ++i) {
        const std::string path = json_pointer_append("/devices", i);
        InventoryEntry entry;
        if (!read_inventory_entry((*devices)[i], path, entry, report)) continue;
        if (!seen.insert(entry.device.id).second) {
            report.error(kDuplicate, json_pointer_append(path, "device"),
                         "Device \"" + entry.device.id + "\" is listed twice; merge its certificates into one entry.");
            continue;
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace acmepolicy::lifecycle_detail
