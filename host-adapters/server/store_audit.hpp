// The audit log and the policy versions in the store (migration 12): plain rows, written inside the
// caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/db.hpp"

namespace acmepolicy::server {

/// One write over REST: who, when, what.
struct AuditRow {
    std::int64_t id = 0;
    std::string at, actor_name, actor_scope, action, method, path, target_type, target_id;
    std::int64_t status = 0;                        // the HTTP status answered
    std::optional<std::string> before, after;       // JSON text of the object before/after (policies)
    std::string request_id;
};

/// Which audit rows to list; "" matches anything. `before_id` > 0 lists older rows only (paging).
struct AuditFilter {
    std::string actor, scope, action, target_type, target_id, since, until;  // since/until: RFC 3339
    int limit = 100;
    std::int64_t before_id = 0;
};

/// One accepted version of a policy.
struct PolicyVersionRow {
    std::string policy_id;
    std::int64_t version = 0;
    std::string name, document, saved_at, actor_name, actor_scope;
    std::optional<std::int64_t> restored_from;  // the version this one restored, if it was a restore
};

void insert_audit(Db& db, const AuditRow& row);
/// The matching rows, newest first.
std::vector<AuditRow> audit_rows(Db& db, const AuditFilter& filter);

/// Keeps a version; replaces a row with the same (policy_id, version).
void insert_policy_version(Db& db, const PolicyVersionRow& row);
/// Every kept version of the policy, newest first.
std::vector<PolicyVersionRow> policy_versions(Db& db, const std::string& policy_id);
std::optional<PolicyVersionRow> policy_version(Db& db, const std::string& policy_id, std::int64_t version);
/// Forgets the versions of a deleted policy (its last document stays in the audit log's delete entry), so
/// that a new policy with the same id starts again at version 1.
void delete_policy_versions(Db& db, const std::string& policy_id);

}  // namespace acmepolicy::server
