// The certificate inventory: a JSON export of devices with their CertificateList entries, the input of
// api_certificate_status (one entry) and api_plan_renewals (all of them). Shape in docs/lifecycle.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/lifecycle.hpp"

namespace acmepolicy::lifecycle_detail {

/// One device of the export: {"device": <device record>, "certificates": [{"CommonName", "Data",
/// "IsIdentity"}], "policies": ["<policy id>"]?, "last_renewal": {"<policy id>": RFC 3339}?}.
struct InventoryEntry {
    DeviceRecord device;
    std::vector<DeviceCertificate> certificates;
    std::optional<std::vector<std::string>> policies;  // absent: every policy given applies
    std::map<std::string, std::int64_t> last_renewal;  // policy id -> seconds since the epoch
};

/// Reads one entry at `path`; false (with errors in `report`) when it cannot be used. Certificates that
/// cannot be read are warnings and are left out.
bool read_inventory_entry(const nlohmann::json& value, const std::string& path, InventoryEntry& entry,
                          Report& report);

/// Reads {"devices": [entry...]}: JSON text up to 64 MiB. Entries with errors are reported and left out;
/// duplicate device ids are errors (the first is kept).
std::vector<InventoryEntry> read_certificate_inventory(std::string_view json_text, Report& report);

}  // namespace acmepolicy::lifecycle_detail
