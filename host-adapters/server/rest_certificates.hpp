// The certificate lifecycle over REST (docs/rest-api.md): a device's certificates, the certificate and
// renewal state of an assignment, and the fleet's renewals per day.
#pragma once

#include <nlohmann/json.hpp>

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// GET /api/v1/devices/{id}/certificates, GET /api/v1/certificates/inventory and GET /api/v1/renewals?days=N.
void add_certificate_routes(Router& router, ServerContext& ctx);

/// The assignment's `certificate` ({not_after, serial, fingerprint} of the certificate matched to its
/// policy, or null) and `renewal` (its state, or null when never decided), for the device status.
nlohmann::json certificate_status_json(Db& db, const AssignmentRow& assignment);

}  // namespace acmepolicy::server
