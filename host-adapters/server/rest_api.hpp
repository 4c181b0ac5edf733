// The REST API under /api/v1 (docs/rest-api.md): policies, devices, groups, assignments, profiles, status,
// client-token verification and health.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// Registers every /api/v1 route. Bearer authentication is checked by the caller for all but /health.
void add_rest_routes(Router& router, ServerContext& ctx);

}  // namespace acmepolicy::server
