// Routing and JSON responses.
#include "server/router.hpp"

namespace acmepolicy::server {

void Router::add(const std::string& method, const std::string& pattern, RouteHandler handler) {
    routes_.push_back({method, std::regex(pattern), std::move(handler)});
}

bool Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
    std::string allowed;
    for (const auto& route : routes_) {
        std::smatch match;
        if (!std::regex_match(req.path, match, route.pattern)) continue;
        if (route.method == req.method || (req.method == "HEAD" && route.method == "GET")) {
            Params params;
            for (std::size_t i = 1; i < match.size(); ++i) params.push_back(match[i].str());
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
