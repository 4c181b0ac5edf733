// api_schema: the core's own tables as one JSON document, built at run time from the tables validation,
// device reading and resolution use, so that no host keeps a copy (docs/schema.md).
#include "acmepolicy/api.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/hardware.hpp"
#include "acmepolicy/payload_keys.hpp"
#include "acmepolicy/resolve.hpp"
#include "acmepolicy/variables.hpp"
#include "api/api_support.hpp"
#include "assign/assign_internal.hpp"
#include "validation/codes.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;

/// A record with every field, so that availability depends on the enrollment type alone.
DeviceRecord full_record(Enrollment enrollment) {
    DeviceRecord device;
    device.id = "d";
    device.serial_number = device.udid = device.enrollment_id = device.device_name = device.user_email = "x";
    device.enrollment = enrollment;
    return device;
}

/// Per variable: whether a device of each enrollment type can provide it (its record holding every
/// field), and whether even a record with nothing but its id provides it (device_id, client_token).
json variables() {
    json list = json::array();
    const auto& names = variable_names();
    for (std::size_t v = 0; v < names.size() && v < detail::kVariableCount; ++v) {
        json enrollment = json::object();
        bool always = true;
        for (std::size_t e = 0; e < kEnrollmentCount; ++e) {
            const auto type = static_cast<Enrollment>(e);
            if (type == Enrollment::none) continue;  // an unenrolled device receives no policy
            enrollment[to_string(type)] = ((detail::available_variables(full_record(type)) >> v) & 1u) != 0;
            DeviceRecord bare;
            bare.id = "d";
            bare.enrollment = type;
            always = always && ((detail::available_variables(bare) >> v) & 1u) != 0;
        }
        list.push_back(json{{"name", names[v]}, {"enrollment", std::move(enrollment)}, {"always_available", always}});
    }
    return list;
}

json device_keys() {
    json list = json::array();
    for (const DeviceKeyInfo& key : device_record_keys()) {
        json entry = {{"name", key.name}, {"type", key.type}, {"required", key.required}};
        if (!key.values.empty()) entry["values"] = key.values;
        list.push_back(std::move(entry));
    }
    return list;
}

json payload() {
    json list = json::array();
    for (const PayloadKeyInfo& key : payload_keys()) {
        json platforms = json::object();
        for (std::size_t p = 0; p < kSchemaPlatformCount; ++p)
            if (key.introduced[p]) platforms[to_string(static_cast<SchemaPlatform>(p))] = key.introduced[p];
        json entry = {{"name", key.name}, {"type", key.type}, {"required", key.required},
                      {"platforms", std::move(platforms)}};
        if (key.default_value) entry["default"] = json::parse(key.default_value);
        if (!key.subkeys.empty()) entry["keys"] = key.subkeys;
        list.push_back(std::move(entry));
    }
    return list;
}

json key_sizes() {
    json list = json::array();
    for (const KeySizeRule& rule : key_size_rules()) {
        json entry = {{"key_type", rule.key_type}, {"hardware_bound", rule.hardware_bound}, {"allowed", rule.allowed}};
        if (rule.allowed && !rule.sizes.empty()) {
            entry["sizes"] = rule.sizes;
        } else if (rule.allowed) {
            entry["min"] = rule.min;
            entry["max"] = rule.max;
            entry["multiple_of"] = rule.multiple_of;
        }
        if (rule.weak_below > 0) entry["weak_below"] = rule.weak_below;
        if (!rule.weak.empty()) entry["weak"] = rule.weak;
        list.push_back(std::move(entry));
    }
    return list;
}

json codes() {
    json list = json::array();
    const validation::CodeInfo* table = validation::code_table();
    for (std::size_t i = 0; i < validation::code_count(); ++i)
        list.push_back(json{{"code", table[i].name},
                            {"severity", to_string(table[i].severity)},
                            {"meaning", table[i].meaning}});
    return list;
}

json assignment() {
    json reasons = json::array(), warnings = json::array(), conditions = json::array();
    for (std::size_t i = 0; i < kExclusionReasonCount; ++i) reasons.push_back(to_string(static_cast<ExclusionReason>(i)));
    for (std::size_t i = 0; i < kAssignmentWarningCount; ++i)
        warnings.push_back(to_string(static_cast<AssignmentWarning>(i)));
    for (std::size_t i = 0; i < kFallbackConditionCount; ++i)
        conditions.push_back(to_string(static_cast<FallbackCondition>(i)));
    return json{{"exclusion_reasons", std::move(reasons)},
                {"warnings", std::move(warnings)},
                {"fallback_conditions", std::move(conditions)},
                {"minimum_os_version", std::to_string(kMinimumOsVersion.major) + "." +
                                           std::to_string(kMinimumOsVersion.minor)}};
}

json hardware() {
    json families = json::array();
    for (const AttestationFamily& family : attestation_families()) {
        json entry = {{"prefix", family.prefix}, {"device", family.device}, {"ignored_on", family.ignored_on}};
        if (family.first_capable == kNoModelAttests) entry["first_capable_major"] = nullptr;
        else entry["first_capable_major"] = family.first_capable;
        entry["first_chip"] = family.first_chip;
        families.push_back(std::move(entry));
    }
    return json{{"source", attestation_hardware_source()}, {"families", std::move(families)}};
}

}  // namespace

ApiResult api_schema() {
    return detail::guarded([] {
        return detail::api_json(ApiStatus::ok, json{{"schema_version", 1},
                                                    {"version", ACMEPOLICY_VERSION_STRING},
                                                    {"variables", variables()},
                                                    {"device_record_keys", device_keys()},
                                                    {"payload_keys", payload()},
                                                    {"key_sizes", key_sizes()},
                                                    {"codes", codes()},
                                                    {"assignment", assignment()},
                                                    {"attestation_hardware", hardware()}});
    });
}

}  // namespace acmepolicy
