// History and audit over REST (docs/rest-api.md): every successful write under /api/v1 is recorded with
// who sent it (token name and scope), when, and what changed (a policy's document before and after); each
// accepted policy version is kept and can be restored.
//   GET  /api/v1/whoami                              the caller: {"name", "scope", "token_id"}
//   GET  /api/v1/audit?actor=&scope=&action=&target_type=&target=&since=&until=&limit=&before=
//   GET  /api/v1/policies/{id}/versions              newest first, with each version's document
//   POST /api/v1/policies/{id}/versions/{n}/restore  saves version n's document as a new version
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// Registers the routes above.
void add_audit_routes(Router& router, ServerContext& ctx);

/// Records the request just answered in the audit log when it was a successful write under /api/v1 (the
/// front calls it after every dispatched request; reads and refused writes leave no row). Never throws:
/// a store failure is logged.
void record_rest_write(ServerContext& ctx, const httplib::Request& req, const httplib::Response& res);

/// Keeps `row` (just inserted or updated) as a policy version by the current caller, inside the write's
/// transaction, and notes the change (document before and after) for the audit row.
void keep_policy_version(Db& db, const PolicyRow& row, const std::string* before_document);

}  // namespace acmepolicy::server
