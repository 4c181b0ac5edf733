// Shared pieces of the /api/v1 handlers.
#include "server/rest_support.hpp"

#include <cctype>

#include "acmepolicy/diagnostics.hpp"
#include "server/json_body.hpp"
#include "server/outbox.hpp"

namespace acmepolicy::server::rest {

using json = nlohmann::json;

json diagnostics_json(const Report& report, bool errors_too) {
    json out = json::array();
    for (const auto& d : report.diagnostics())
        if (errors_too || d.severity != Severity::error) out.push_back(to_json(d));
    return out;
}

std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res) {
    JsonBody body = read_json_body(req.body);
    if (!body.value) {
        send_error(res, 400, "request.invalid_json", body.message, body.diagnostics);
        return std::nullopt;
    }
    return std::move(body.value);
}

std::string attachment_header(const std::string& name) {
    static const char* hex = "0123456789ABCDEF";
    std::string plain, encoded;
    for (unsigned char c : name) {
        const bool safe = std::isalnum(c) || c == '.' || c == '-' || c == '_';
        plain += safe ? static_cast<char>(c) : '_';
        if (safe) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

bool has_control_character(const std::string& id) {
    for (unsigned char c : id)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

nlohmann::json control_character_id(const std::string& code) {
    return nlohmann::json::array({{{"severity", "error"}, {"code", code}, {"path", "/id"},
                                   {"message", "\"id\" holds a control character, so no URL could name it; remove it."}}});
}

void reconcile_and_wake(ServerContext& ctx, Db& db, const std::vector<std::string>& devices, int& queued) {
    queued += reconcile_devices(ctx, db, devices);
}

}  // namespace acmepolicy::server::rest
