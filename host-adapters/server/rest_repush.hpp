// POST /api/v1/devices/{id}/policies/{policy}/repush: sends a policy's profile to an enrolled device again
// (a new CommandUUID and fresh attempts), e.g. after a user removed it by hand. 202 {"device", "policy",
// "commands_queued", "command_uuid"}; 404 device.not_found or assignment.not_found; 409
// assignment.not_repushable when the device is not enrolled or the policy no longer goes to it.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

void add_repush_route(Router& router, ServerContext& ctx);

}  // namespace acmepolicy::server
