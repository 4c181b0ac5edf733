// The store: assignments (what each device should have) and the command outbox.
#include "server/store.hpp"

#include "server/log.hpp"
#include "server/store_rows.hpp"

namespace acmepolicy::server {

using namespace store_rows;

// --- assignments

std::vector<AssignmentRow> Store::assignments_of_device(Db& db, const std::string& device_id) {
    return select_assignments(db, "WHERE device_id = $1 ORDER BY policy_id", {device_id});
}

std::vector<AssignmentRow> Store::assignments_of_policy(Db& db, const std::string& policy_id) {
    return select_assignments(db, "WHERE policy_id = $1 ORDER BY device_id", {policy_id});
}

std::vector<std::array<std::string, 3>> Store::assignment_statuses(Db& db) {
    std::vector<std::array<std::string, 3>> out;
    for (const auto& r : db.query("SELECT policy_id, device_id, status FROM assignments WHERE status <> 'pending'"))
        out.push_back({r.text(0), r.text(1), r.text(2)});
    return out;
}

std::optional<AssignmentRow> Store::assignment(Db& db, const std::string& device_id, const std::string& policy_id) {
    auto rows = select_assignments(db, "WHERE device_id = $1 AND policy_id = $2", {device_id, policy_id});
    if (rows.empty()) return std::nullopt;
    return std::move(rows[0]);
}

void Store::save_assignment(Db& db, const AssignmentRow& a) {
    db.query(
        "INSERT INTO assignments (device_id, policy_id, status, desired_version, installed_version, "
        "payload_identifier, payload_uuid, installed_payload_uuid, last_command_uuid, last_error, updated_at, "
        "install_attempts, next_retry_at, dead, replaced_profile) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
        "ON CONFLICT (device_id, policy_id) DO UPDATE SET "
        "status = excluded.status, desired_version = excluded.desired_version, "
        "installed_version = excluded.installed_version, payload_identifier = excluded.payload_identifier, "
        "payload_uuid = excluded.payload_uuid, installed_payload_uuid = excluded.installed_payload_uuid, "
        "last_command_uuid = excluded.last_command_uuid, last_error = excluded.last_error, "
        "updated_at = excluded.updated_at, install_attempts = excluded.install_attempts, "
        "next_retry_at = excluded.next_retry_at, dead = excluded.dead, replaced_profile = excluded.replaced_profile",
        {a.device_id, a.policy_id, a.status, opt_value(a.desired_version), opt_value(a.installed_version),
         a.payload_identifier, a.payload_uuid, a.installed_payload_uuid, a.last_command_uuid, a.last_error,
         now_rfc3339(), a.install_attempts, opt_value(a.next_retry_at), static_cast<std::int64_t>(a.dead ? 1 : 0),
         a.replaced_profile});
}

// --- command outbox

void Store::insert_command(Db& db, const CommandRow& c, std::int64_t due_ms) {
    // The sequence comes from the database (AUTOINCREMENT / BIGSERIAL): unique and increasing across
    // instances, unlike MAX()+1. Its row is only a ticket and is deleted at once.
    auto seq = db.query("INSERT INTO command_sequence (command_uuid) VALUES ($1) RETURNING seq", {c.command_uuid});
    const std::int64_t created_seq = seq[0].integer(0);
    db.query("DELETE FROM command_sequence WHERE seq = $1", {created_seq});
    db.query(
        "INSERT INTO commands (command_uuid, device_id, policy_id, request_type, payload, status, attempts, "
        "next_attempt_at, last_error, created_seq, created_at, updated_at, policy_version) "
        "VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, '', $7, $8, $8, $9)",
        {c.command_uuid, c.device_id, c.policy_id, c.request_type, c.payload, due_ms, created_seq, now_rfc3339(),
         opt_value(c.policy_version)});
}

void Store::set_command_payload(Db& db, const std::string& command_uuid, const std::string& payload) {
    db.query("UPDATE commands SET payload = $2 WHERE command_uuid = $1", {command_uuid, payload});
}

std::optional<CommandRow> Store::command(Db& db, const std::string& command_uuid) {
    auto rows = db.query(std::string("SELECT ") + kCommandColumns +
                             " FROM commands c JOIN devices d ON d.id = c.device_id WHERE c.command_uuid = $1",
                         {command_uuid});
    if (rows.empty()) return std::nullopt;
    return to_command(rows[0]);
}

std::vector<CommandRow> Store::unrendered_installs(Db& db, std::int64_t after, int limit) {
    std::vector<CommandRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kCommandColumns +
                                      " FROM commands c JOIN devices d ON d.id = c.device_id "
                                      "WHERE c.status = 'queued' AND c.created_seq > $1 AND c.policy_version IS NOT NULL "
                                      "AND (c.payload IS NULL OR c.payload = '') ORDER BY c.created_seq LIMIT $2",
                                  {after, static_cast<std::int64_t>(limit)}))
        out.push_back(to_command(r));
    return out;
}

bool Store::set_unsent_payload(Db& db, const std::string& command_uuid, const std::string& payload) {
    return !db.query("UPDATE commands SET payload = $1 WHERE command_uuid = $2 AND status = 'queued' "
                     "AND (payload IS NULL OR payload = '') AND last_mdm_status IS NULL RETURNING command_uuid",
                     {payload, command_uuid})
                .empty();
}

std::optional<CommandRow> Store::claim_next_command(Db& db, const std::string& instance, std::int64_t now_ms,
                                                    std::int64_t lease_until_ms) {
    // One command per claim, the earliest due one (oldest first among those due together) whose device has
    // no older command still queued, so each device gets its commands in sequence order even while an older
    // one waits for a retry. On PostgreSQL
    // a row another instance is claiming is skipped (FOR UPDATE SKIP LOCKED); SQLite serialises writers.
    std::string lock = db.dialect() == Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
    auto claimed = db.query(
        "UPDATE commands SET claimed_by = $1, claim_until = $2, attempts = attempts + 1 WHERE command_uuid IN ("
        "SELECT c.command_uuid FROM commands c WHERE c.status = 'queued' AND c.next_attempt_at <= $3 "
        "AND (c.claim_until IS NULL OR c.claim_until < $3) AND NOT EXISTS (SELECT 1 FROM commands e "
        "WHERE e.device_id = c.device_id AND e.status = 'queued' AND e.created_seq < c.created_seq) "
        "ORDER BY c.next_attempt_at, c.created_seq LIMIT 1" + lock + ") RETURNING command_uuid",
        {instance, lease_until_ms, now_ms});
    if (claimed.empty()) return std::nullopt;
    return command(db, claimed[0].text(0));
}

void Store::finish_command(Db& db, const std::string& command_uuid, const std::string& status,
                           const std::string& error, std::optional<std::int64_t> retry_at_ms) {
    db.query("UPDATE commands SET status = $2, last_error = $3, claimed_by = NULL, claim_until = NULL, "
             "next_attempt_at = COALESCE($4, next_attempt_at), updated_at = $5 WHERE command_uuid = $1",
             {command_uuid, status, error, opt_value(retry_at_ms), now_rfc3339()});
}

void Store::record_mdm_answer(Db& db, const std::string& command_uuid, std::optional<std::int64_t> http_status,
                              const std::string& answer) {
    db.query("UPDATE commands SET last_mdm_status = $2, last_mdm_answer = $3 WHERE command_uuid = $1",
             {command_uuid, opt_value(http_status), answer});
}

void Store::set_command_status(Db& db, const std::string& command_uuid, const std::string& status,
                               const std::string& error) {
    db.query("UPDATE commands SET status = $2, last_error = $3, updated_at = $4 WHERE command_uuid = $1",
             {command_uuid, status, error, now_rfc3339()});
}

void Store::set_device_answer(Db& db, const std::string& command_uuid, const std::string& answer) {
    db.query("UPDATE commands SET device_answer = $2 WHERE command_uuid = $1", {command_uuid, answer});
}

void Store::requeue_command(Db& db, const std::string& command_uuid, std::int64_t due_ms) {
    db.query("UPDATE commands SET status = 'queued', attempts = 0, next_attempt_at = $2, claimed_by = NULL, "
             "claim_until = NULL, updated_at = $3 WHERE command_uuid = $1",
             {command_uuid, due_ms, now_rfc3339()});
}

std::vector<CommandRow> Store::commands(Db& db, const CommandFilter& f) {
    std::string where = " WHERE 1 = 1";
    std::vector<SqlValue> params;
    auto add = [&](const std::string& column, const std::string& value) {
        if (value.empty()) return;
        params.push_back(value);
        where += " AND " + column + " = $" + std::to_string(params.size());
    };
    add("c.device_id", f.device_id);
    add("c.policy_id", f.policy_id);
    add("c.status", f.status);
    std::vector<CommandRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kCommandColumns +
                                      " FROM commands c JOIN devices d ON d.id = c.device_id" + where +
                                      " ORDER BY c.created_seq DESC LIMIT " + std::to_string(f.limit),
                                  params))
        out.push_back(to_command(r));
    return out;
}

std::vector<AssignmentRow> Store::installs_due_for_retry(Db& db, std::int64_t now_ms) {
    return select_assignments(db, "WHERE status = 'failed' AND dead = 0 AND next_retry_at IS NOT NULL AND "
                                  "next_retry_at <= $1 ORDER BY next_retry_at",
                              {now_ms});
}

std::optional<std::int64_t> Store::next_install_retry_ms(Db& db) {
    auto rows = db.query("SELECT MIN(next_retry_at) FROM assignments WHERE status = 'failed' AND dead = 0");
    if (rows.empty() || rows[0].is_null(0)) return std::nullopt;
    return rows[0].integer(0);
}

std::vector<CommandRow> Store::commands_of_device(Db& db, const std::string& device_id) {
    std::vector<CommandRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kCommandColumns +
                                      " FROM commands c JOIN devices d ON d.id = c.device_id WHERE c.device_id = $1 "
                                      "ORDER BY c.created_seq",
                                  {device_id}))
        out.push_back(to_command(r));
    return out;
}

std::optional<std::int64_t> Store::next_due_ms(Db& db) {
    auto rows = db.query("SELECT MIN(next_attempt_at) FROM commands WHERE status = 'queued'");
    if (rows.empty() || rows[0].is_null(0)) return std::nullopt;
    return rows[0].integer(0);
}

}  // namespace acmepolicy::server
