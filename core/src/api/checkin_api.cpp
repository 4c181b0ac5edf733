// api_device_from_checkin: untrusted check-in bytes (and the host's current record) in, the device record out.
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/checkin.hpp"
#include "acmepolicy/plist.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {
namespace {

ApiResult diagnostics_result(const Report& report) {
    return detail::api_json(ApiStatus::invalid_input, nlohmann::json{{"diagnostics", to_json(report)["diagnostics"]}});
}

/// Reads an optional string option; false (with `error`) when present with another type.
bool string_option(const nlohmann::json& options, const char* key, std::string& out, ApiResult& error) {
    auto it = options.find(key);
    if (it == options.end() || it->is_null()) return true;
    if (!it->is_string()) {
        error = detail::api_error(ApiStatus::bad_arguments, std::string("options.") + key,
                                  std::string("\"") + key + "\" must be a string.");
        return false;
    }
    out = it->get<std::string>();
    return true;
}

}  // namespace

ApiResult api_device_from_checkin(std::string_view plist_bytes, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        auto options = detail::read_options(options_json, error);
        if (!options) return error;
        for (const auto& item : options->items())
            if (item.key() != "device" && item.key() != "id" && item.key() != "enrollment_type")
                return detail::api_error(ApiStatus::bad_arguments, "options.unknown_key",
                                         "\"" + item.key() + "\" is not a check-in option; use device, id, enrollment_type.");
        CheckinContext context;
        if (!string_option(*options, "id", context.id, error) ||
            !string_option(*options, "enrollment_type", context.enrollment_type, error))
            return error;
        Report report;
        if (auto it = options->find("device"); it != options->end() && !it->is_null()) {
            context.device = read_device(*it, "/options/device", report);
            if (!context.device || !report.valid()) return diagnostics_result(report);
        }

        plist::ReadResult read = plist::read_xml(plist_bytes);
        if (!read.value || !read.report.valid()) return diagnostics_result(read.report);
        CheckinMapping mapped = device_from_checkin(*read.value, context);
        if (!mapped.kind) return diagnostics_result(mapped.report);
        return detail::api_json(ApiStatus::ok, nlohmann::json{{"message_type", to_string(*mapped.kind)},
                                                              {"device", to_json(mapped.device)},
                                                              {"user_channel", mapped.user_channel},
                                                              {"changed", mapped.changed},
                                                              {"diagnostics", nlohmann::json::array()}});
    });
}

}  // namespace acmepolicy
