// Shared plumbing of the facade.
#include "api/api_support.hpp"

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/json_reader.hpp"

namespace acmepolicy::detail {

ApiResult api_json(ApiStatus status, const nlohmann::json& value) {
    ApiResult r;
    r.status = status;
    r.json = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

ApiResult api_error(ApiStatus status, const std::string& code, const std::string& message) {
    return api_json(status, nlohmann::json{{"error", {{"code", code}, {"message", message}}}});
}

std::optional<nlohmann::json> read_options(std::string_view options_json, ApiResult& error) {
    if (options_json.empty()) return nlohmann::json::object();
    JsonReadResult read = read_json(options_json);
    if (!read.value || !read.report.valid()) {
        std::string message = "The options are not valid JSON";
        if (!read.report.diagnostics().empty()) message += ": " + read.report.diagnostics().front().message;
        error = api_error(ApiStatus::bad_arguments, "options.invalid", message);
        return std::nullopt;
    }
    if (!read.value->is_object()) {
        error = api_error(ApiStatus::bad_arguments, "options.invalid", "The options must be a JSON object.");
        return std::nullopt;
    }
    return std::move(read.value);
}

bool read_now(const nlohmann::json& options, std::optional<std::int64_t>& now, ApiResult& error) {
    auto it = options.find("now");
    if (it == options.end() || it->is_null()) return true;
    if (it->is_string()) {
        if (auto seconds = parse_rfc3339(it->get<std::string>())) {
            now = *seconds;
            return true;
        }
    }
    error = api_error(ApiStatus::bad_arguments, "options.now",
                      "\"now\" must be an RFC 3339 time such as \"2026-11-28T12:00:00Z\".");
    return false;
}

}  // namespace acmepolicy::detail
