// The device record: what acmepolicy knows about one enrolled device (a public JSON contract).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy {

enum class Platform { iOS, iPadOS, macOS, tvOS, watchOS, visionOS };
enum class Enrollment { ade, device, user, none };
constexpr std::size_t kPlatformCount = 6;    // Platform values, 0..kPlatformCount-1
constexpr std::size_t kEnrollmentCount = 4;  // Enrollment values, 0..kEnrollmentCount-1

const char* to_string(Platform platform) noexcept;      // "iOS", "iPadOS", ...
const char* to_string(Enrollment enrollment) noexcept;  // "ade", "device", "user", "none"

/// {"id", "serial_number", "udid", "enrollment_id", "platform", "os_version", "product_name",
///  "enrollment", "supervised", "device_name", "user_email"}; only `id` is required. JSON null is the
/// same as absent.
struct DeviceRecord {
    std::string id;
    std::optional<std::string> serial_number;
    std::optional<std::string> udid;
    std::optional<std::string> enrollment_id;
    std::optional<Platform> platform;
    std::optional<std::string> os_version;
    std::optional<std::string> product_name;
    std::optional<Enrollment> enrollment;
    std::optional<bool> supervised;
    std::optional<std::string> device_name;
    std::optional<std::string> user_email;

    /// The value a policy variable takes on this device: serial_number, udid, enrollment_id, device_id
    /// (= id), device_name, user_email. nullopt when the record lacks it; client_token is not a record
    /// field (the renderer derives it) and gives nullopt here.
    std::optional<std::string> variable(std::string_view name) const;
};

/// One key of the device-record document. `type` is "string" or "boolean"; the first `value_count`
/// entries of `values` are the spellings an enumerated string takes (platform, enrollment).
struct DeviceKeyInfo {
    const char* name;
    const char* type;
    bool required;
    const char* values[kPlatformCount > kEnrollmentCount ? kPlatformCount : kEnrollmentCount];
    std::size_t value_count;
};
/// Every key a device record may have, in the documented order (the reader accepts exactly these).
const std::vector<DeviceKeyInfo>& device_record_keys();

/// Reads a device record from parsed JSON, reporting problems under `path` (e.g. "/devices/3").
/// Unknown keys, wrong types, an unknown platform or enrollment → errors (`device.*` codes).
/// Returns nullopt when any error was reported.
std::optional<DeviceRecord> read_device(const nlohmann::json& value, const std::string& path,
                                        Report& report);

nlohmann::json to_json(const DeviceRecord& device);

}  // namespace acmepolicy
