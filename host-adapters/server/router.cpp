// Routing and JSON responses.
#include "server/router.hpp"

#include <optional>

namespace acmepolicy::server {

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler) {
    routes_.push_back({method, std::regex(pattern), std::move(handler)});
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decodes one path segment; nullopt for a broken escape or a control character (no id holds one).
std::optional<std::string> decode_segment(const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            if (i + 2 >= raw.size()) return std::nullopt;
            int hi = hex_value(raw[i + 1]);
            int lo = hex_value(raw[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
        out += c;
    }
    return out;
}

}  // namespace

std::string raw_path(const httplib::Request& req) {
    if (req.target.empty()) return req.path;
    return req.target.substr(0, req.target.find('?'));
}

bool Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
    std::string allowed;
    // Routes match the path as sent: an encoded slash stays inside its segment (an id "a/b" is
    // /devices/a%2Fb), and only the captured segments are decoded.
    const std::string path = raw_path(req);
    for (const auto& route : routes_) {
        std::smatch match;
        if (!std::regex_match(path, match, route.pattern)) continue;
        if (route.method == req.method || (req.method == "HEAD" && route.method == "GET")) {
            Params params;
            for (std::size_t i = 1; i < match.size(); ++i) {
                auto decoded = decode_segment(match[i].str());
                if (!decoded) {
                    send_error(res, 400, "request.invalid_id",
                               "A path segment has a broken %-escape or a control character.");
                    return true;
                }
                params.push_back(std::move(*decoded));
            }
            route.handler(req, res, params);
            return true;
        }
        if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    if (allowed.empty()) return false;
    res.set_header("Allow", allowed);
    send_error(res, 405, "http.method_not_allowed", req.method + " is not allowed on " + req.path + "; use " + allowed + ".");
    return true;
}

std::string Router::allowed_methods(const std::string& path) const {
    std::string allowed;
    for (const auto& route : routes_)
        if (allowed.find(route.method) == std::string::npos && std::regex_match(path, route.pattern))
            allowed += (allowed.empty() ? "" : ", ") + route.method;
    return allowed;
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                const nlohmann::json& diagnostics) {
    nlohmann::json error = {{"code", code}, {"message", message}};
    if (!diagnostics.is_null()) error["diagnostics"] = diagnostics;
    send_json(res, status, {{"error", error}});
}

}  // namespace acmepolicy::server
