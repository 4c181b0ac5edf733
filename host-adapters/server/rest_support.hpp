// Shared pieces of the /api/v1 handlers (rest_*.cpp): reading a body with the core's strict reader,
// diagnostics as JSON, download names, and reconciling the devices a write affects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/diagnostics.hpp"
#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server::rest {

/// The report's diagnostics as JSON; errors only when `errors_too`.
nlohmann::json diagnostics_json(const Report& report, bool errors_too);

/// The request body read strictly (duplicate keys, depth and size limits, as the CLI); on failure answers
/// 400 request.invalid_json with the reader's diagnostics and returns nullopt.
std::optional<nlohmann::json> parse_body(const httplib::Request& req, httplib::Response& res);

/// An RFC 6266 Content-Disposition for a download named from ids: a plain ASCII fallback (anything but
/// letters, digits, '.', '-' and '_' becomes '_') and the exact name percent-encoded in filename*.
std::string attachment_header(const std::string& name);

/// True when an id holds a control character: no URL path could name it (request.invalid_id).
bool has_control_character(const std::string& id);
/// The one diagnostic of such an id, under `code` (device.id_invalid, group.id_invalid), as JSON.
nlohmann::json control_character_id(const std::string& code);

/// Reconciles `devices` inside the caller's transaction and adds the commands queued to `queued`.
void reconcile_and_wake(ServerContext& ctx, Db& db, const std::vector<std::string>& devices, int& queued);

/// The routes of one resource (rest_policies.cpp, rest_devices.cpp, rest_groups.cpp).
void add_policy_routes(Router& r, ServerContext& ctx);
void add_device_routes(Router& r, ServerContext& ctx);
void add_group_routes(Router& r, ServerContext& ctx);

}  // namespace acmepolicy::server::rest
