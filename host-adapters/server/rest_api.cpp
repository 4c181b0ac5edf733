// /api/v1 (docs/rest-api.md): health, client-token verification, and the per-resource routes (policies,
// devices, groups: rest_policies.cpp, rest_devices.cpp, rest_groups.cpp). Each handler reads JSON with the
// core's strict reader, lets the core judge it, and stores it in one transaction together with the
// reconciliation of the devices the change affects.
#include "server/rest_api.hpp"

#include "acmepolicy/render.hpp"
#include "server/request_context.hpp"
#include "server/rest_support.hpp"

namespace acmepolicy::server {

using json = nlohmann::json;

void add_rest_routes(Router& r, ServerContext& ctx) {
    r.add("GET", "/api/v1/health", [&ctx](auto&, auto& res, auto&) {
        send_json(res, 200, {{"status", "ok"}, {"version", ctx.version}});
    });

    rest::add_policy_routes(r, ctx);
    rest::add_device_routes(r, ctx);
    rest::add_group_routes(r, ctx);

    // --- client tokens
    r.add("POST", "/api/v1/client-tokens/verify", [&ctx](auto& req, auto& res, auto&) {
        auto body = rest::parse_body(req, res);
        if (!body) return;
        if (!body->is_object() || !(*body)["policy_id"].is_string() || !(*body)["device_id"].is_string() ||
            !(*body)["token"].is_string())
            return send_error(res, 422, "request.invalid", "Send {\"policy_id\", \"device_id\", \"token\"} as strings.");
        bool valid = verify_client_token(ctx.engine->base_options().client_token_secret.value_or(""),
                                         (*body)["policy_id"].template get<std::string>(),
                                         (*body)["device_id"].template get<std::string>(),
                                         (*body)["token"].template get<std::string>());
        send_json(res, 200, {{"valid", valid}});
    });
}

}  // namespace acmepolicy::server
