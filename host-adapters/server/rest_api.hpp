// The REST API under /api/v1 (docs/rest-api.md): policies, devices, groups, assignments, profiles, status,
// client-token verification and health.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// Registers every /api/v1 route. Bearer authentication is checked by the caller for all but /health.
void add_rest_routes(Router& router, ServerContext& ctx);

/// PUT /api/v1/policies/{id} with `req`'s body: the core's checks, the store and the reconciliation.
void put_policy(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string& id);

}  // namespace acmepolicy::server
