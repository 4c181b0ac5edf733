// Files the server reads whole (signing material, the admin token) and the portal's static files.
#pragma once

#include <optional>
#include <string>

#include <httplib.h>

#include "server/config.hpp"

namespace acmepolicy::server {

/// The whole file, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path);

/// Serves GET / and /<file> from the portal folder and /pkg/<file> from the wasm package folder. Returns
/// false (res untouched) for other methods, paths with "..", and files that do not exist.
bool serve_static(const ServerConfig& config, const httplib::Request& req, httplib::Response& res);

}  // namespace acmepolicy::server
