// Method + path routing over cpp-httplib with the project's JSON error shape: unknown paths answer 404,
// known paths with another method 405 (with Allow), and every error body is {"error": {"code", "message"}}.
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace acmepolicy::server {

/// Path parameters captured by a route's pattern, in order.
using Params = std::vector<std::string>;
using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&, const Params&)>;

class Router {
public:
    /// `pattern` is an ECMAScript regex matched against the whole raw (undecoded) path; groups become
    /// Params, each %-decoded.
    void add(const std::string& method, const std::string& pattern, RouteHandler handler);
    /// Answers the request: the matching route, 405 when only the method is wrong, or false when no route
    /// matches the path (the caller then tries static files or answers 404).
    bool dispatch(const httplib::Request& req, httplib::Response& res) const;
    /// The methods the routes matching this raw path take ("GET, PUT"); empty when no route matches it.
    std::string allowed_methods(const std::string& path) const;

private:
    struct Route {
        std::string method;
        std::regex pattern;
        RouteHandler handler;
    };
    std::vector<Route> routes_;
};

/// The request path as sent, before any %-decoding (cpp-httplib's req.path is decoded).
std::string raw_path(const httplib::Request& req);

/// Writes a JSON body (compact) with Content-Type application/json.
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
/// Writes {"error": {"code", "message", "diagnostics"?}}.
void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                const nlohmann::json& diagnostics = nullptr);

}  // namespace acmepolicy::server
