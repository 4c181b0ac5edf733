// acmepolicy as NanoMDM's Declarative Management server for the ACME credential (docs/declarative.md):
// the DM endpoint NanoMDM forwards devices' declarative requests to (-dm URL/dm/), and the credential
// documents devices fetch through NanoMDM's authenticating proxy (-auth-proxy-url URL/dm-assets/).
#pragma once

#include <string>

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// Registers GET /dm/tokens, GET /dm/declaration-items, GET /dm/declaration/{type}/{identifier},
/// PUT /dm/status and GET /dm-assets/{policy}/{device}.json. Callers must be one of
/// --dm-trusted-proxies; /dm/ requests must carry a valid X-Hmac-Signature when --dm-hmac-key is set.
/// The device is the enrollment named by X-Enrollment-ID; a device asking for another device's
/// credential, or for anything it is not assigned, gets 404.
void add_declarative_routes(Router& router, ServerContext& ctx);

}  // namespace acmepolicy::server
