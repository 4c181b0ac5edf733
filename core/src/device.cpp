// Reading and writing device records.
#include "acmepolicy/device.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace acmepolicy {
namespace {

constexpr std::array<std::pair<Platform, const char*>, kPlatformCount> kPlatforms = {{{Platform::iOS, "iOS"},
                                                                        {Platform::iPadOS, "iPadOS"},
                                                                        {Platform::macOS, "macOS"},
                                                                        {Platform::tvOS, "tvOS"},
                                                                        {Platform::watchOS, "watchOS"},
                                                                        {Platform::visionOS, "visionOS"}}};
constexpr std::array<std::pair<Enrollment, const char*>, kEnrollmentCount> kEnrollments = {
    {{Enrollment::ade, "ade"}, {Enrollment::device, "device"}, {Enrollment::user, "user"}, {Enrollment::none, "none"}}};

/// A key of enumerated values, spelled as in a (value, spelling) table.
template <typename Enum, std::size_t N>
DeviceKeyInfo enumerated(const char* name, const std::array<std::pair<Enum, const char*>, N>& table) {
    DeviceKeyInfo key{name, "string", false, {}, N};
    for (std::size_t i = 0; i < N; ++i) key.values[i] = table[i].second;
    return key;
}

// The enum value spelled `text` in a (value, spelling) table, or nullopt.
template <typename Enum, std::size_t N>
std::optional<Enum> from_spelling(const std::array<std::pair<Enum, const char*>, N>& table, const std::string& text) {
    for (const auto& [value, name] : table)
        if (text == name) return value;
    return std::nullopt;
}

std::optional<std::string> read_string(const nlohmann::json& object, const char* key, const std::string& path,
                                       Report& report) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        report.error("device.type", json_pointer_append(path, key),
                     std::string("\"") + key + "\" must be a string (or null when unknown).");
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace

const char* to_string(Platform platform) noexcept {
    for (const auto& [value, name] : kPlatforms)
        if (value == platform) return name;
    return "iOS";
}

const char* to_string(Enrollment enrollment) noexcept {
    for (const auto& [value, name] : kEnrollments)
        if (value == enrollment) return name;
    return "none";
}

const std::vector<DeviceKeyInfo>& device_record_keys() {
    static const std::vector<DeviceKeyInfo> table = {
        {"id", "string", true, {}, 0},
        {"serial_number", "string", false, {}, 0},
        {"udid", "string", false, {}, 0},
        {"enrollment_id", "string", false, {}, 0},
        enumerated("platform", kPlatforms),
        {"os_version", "string", false, {}, 0},
        {"product_name", "string", false, {}, 0},
        enumerated("enrollment", kEnrollments),
        {"supervised", "boolean", false, {}, 0},
        {"device_name", "string", false, {}, 0},
        {"user_email", "string", false, {}, 0},
    };
    return table;
}

std::optional<std::string> DeviceRecord::variable(std::string_view name) const {
    if (name == "serial_number") return serial_number;
    if (name == "udid") return udid;
    if (name == "enrollment_id") return enrollment_id;
    if (name == "device_id") return id;
    if (name == "device_name") return device_name;
    if (name == "user_email") return user_email;
    return std::nullopt;
}

std::optional<DeviceRecord> read_device(const nlohmann::json& value, const std::string& path, Report& report) {
    if (!value.is_object()) {
        report.error("device.type", path, "A device record must be a JSON object.");
        return std::nullopt;
    }
    const std::size_t errors_before = report.diagnostics().size();
    for (const auto& item : value.items()) {
        bool known = false;
        for (const DeviceKeyInfo& key : device_record_keys()) known = known || item.key() == key.name;
        if (!known)
            report.error("device.unknown_key", json_pointer_append(path, item.key()),
                         "\"" + item.key() + "\" is not a device record field; the fields are id, serial_number, "
                         "udid, enrollment_id, platform, os_version, product_name, enrollment, supervised, "
                         "device_name and user_email.");
    }
    DeviceRecord device;
    auto id = read_string(value, "id", path, report);
    if (!id || id->empty()) {
        if (!value.contains("id") || value["id"].is_null() || (id && id->empty()))
            report.error("device.id_missing", json_pointer_append(path, "id"),
                         "Every device record needs a non-empty \"id\".");
    } else {
        device.id = *id;
    }
    device.serial_number = read_string(value, "serial_number", path, report);
    device.udid = read_string(value, "udid", path, report);
    device.enrollment_id = read_string(value, "enrollment_id", path, report);
    device.os_version = read_string(value, "os_version", path, report);
    device.product_name = read_string(value, "product_name", path, report);
    device.device_name = read_string(value, "device_name", path, report);
    device.user_email = read_string(value, "user_email", path, report);
    if (auto platform = read_string(value, "platform", path, report)) {
        device.platform = from_spelling(kPlatforms, *platform);
        if (!device.platform)
            report.error("device.platform", json_pointer_append(path, "platform"),
                         "Platform \"" + *platform + "\" is not one of iOS, iPadOS, macOS, tvOS, watchOS, visionOS.");
    }
    if (auto enrollment = read_string(value, "enrollment", path, report)) {
        device.enrollment = from_spelling(kEnrollments, *enrollment);
        if (!device.enrollment)
            report.error("device.enrollment", json_pointer_append(path, "enrollment"),
                         "Enrollment \"" + *enrollment + "\" is not one of ade, device, user, none.");
    }
    if (auto it = value.find("supervised"); it != value.end() && !it->is_null()) {
        if (it->is_boolean()) device.supervised = it->get<bool>();
        else report.error("device.type", json_pointer_append(path, "supervised"), "\"supervised\" must be true or false.");
    }
    for (std::size_t i = errors_before; i < report.diagnostics().size(); ++i)
        if (report.diagnostics()[i].severity == Severity::error) return std::nullopt;
    return device;
}

nlohmann::json to_json(const DeviceRecord& device) {
    nlohmann::json out = {{"id", device.id}};
    auto put = [&out](const char* key, const std::optional<std::string>& v) {
        if (v) out[key] = *v;
    };
    put("serial_number", device.serial_number);
    put("udid", device.udid);
    put("enrollment_id", device.enrollment_id);
    if (device.platform) out["platform"] = to_string(*device.platform);
    put("os_version", device.os_version);
    put("product_name", device.product_name);
    if (device.enrollment) out["enrollment"] = to_string(*device.enrollment);
    if (device.supervised) out["supervised"] = *device.supervised;
    put("device_name", device.device_name);
    put("user_email", device.user_email);
    return out;
}

}  // namespace acmepolicy
