// The outbox over REST (docs/rest-api.md): every command and its fate, an assignment's delivery state, and
// the admin's levers (reconcile a device now, retry a dead or refused command).
#pragma once

#include <nlohmann/json.hpp>

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// GET /api/v1/commands, POST /api/v1/devices/{id}/reconcile, POST /api/v1/commands/{uuid}/retry.
void add_outbox_routes(Router& router, ServerContext& ctx);

/// One command as the API shows it.
nlohmann::json command_json(const CommandRow& command);

/// The delivery state of one assignment (attempts, the MDM's and the device's last answers, next retry,
/// dead), read from it and its last command.
nlohmann::json delivery_json(Store& store, Db& db, const AssignmentRow& assignment);

}  // namespace acmepolicy::server
