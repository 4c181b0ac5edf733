// The store's SQL: one schema for SQLite and PostgreSQL, applied through numbered migrations.
#include "server/store.hpp"

#include <algorithm>
#include <cctype>

#include "server/log.hpp"

namespace acmepolicy::server {

namespace {

/// Migration N brings the schema from version N-1 to N. Never edit a released migration: add one.
/// "{{SERIAL}}" becomes the engine's auto-increment primary key.
const std::vector<std::string>& migrations() {
    static const std::vector<std::string> list = {
        // 1: the initial schema.
        R"SQL(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE policies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  version BIGINT NOT NULL,
  document TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  udid TEXT,
  serial_number TEXT,
  mdm_id TEXT NOT NULL,
  enrolled BIGINT NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL);
CREATE INDEX devices_udid ON devices (udid);
CREATE INDEX devices_serial ON devices (serial_number);
CREATE TABLE device_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  PRIMARY KEY (group_id, device_id));
CREATE INDEX group_members_device ON group_members (device_id);
CREATE TABLE assignments (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL,
  status TEXT NOT NULL,
  desired_version BIGINT,
  installed_version BIGINT,
  payload_identifier TEXT NOT NULL DEFAULT '',
  payload_uuid TEXT NOT NULL DEFAULT '',
  installed_payload_uuid TEXT NOT NULL DEFAULT '',
  last_command_uuid TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  PRIMARY KEY (device_id, policy_id));
CREATE INDEX assignments_policy ON assignments (policy_id);
CREATE TABLE commands (
  command_uuid TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL DEFAULT '',
  request_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_by TEXT,
  claim_until BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX commands_due ON commands (status, next_attempt_at);
CREATE INDEX commands_device ON commands (device_id);
CREATE TABLE events (
  id {{SERIAL}},
  topic TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  received_at TEXT NOT NULL);
)SQL",
        // 2: the outbox's order and next sequence number without a table scan.
        R"SQL(
CREATE INDEX commands_seq ON commands (created_seq);
)SQL",
        // 3: the journal knows each event's MDM id (a replay applies once), whether it was applied or
        // rejected and why, and can be pruned by age.
        R"SQL(
ALTER TABLE events ADD COLUMN event_id TEXT;
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'applied';
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_event_id ON events (event_id);
CREATE INDEX events_received ON events (received_at);
)SQL",
        // 4: a policy stays in force as accepted: when and by which core version it was accepted.
        R"SQL(
ALTER TABLE policies ADD COLUMN accepted_unix BIGINT NOT NULL DEFAULT 0;
ALTER TABLE policies ADD COLUMN accepted_core_version TEXT NOT NULL DEFAULT '';
)SQL",
        // 5: the outbox's order comes from a database sequence (unique, never reused, safe with several
        // instances); every MDM and device answer and the install retry schedule are kept.
        R"SQL(
UPDATE commands SET created_seq = (SELECT COUNT(*) FROM commands c2 WHERE c2.created_seq < commands.created_seq
  OR (c2.created_seq = commands.created_seq AND c2.command_uuid <= commands.command_uuid));
CREATE UNIQUE INDEX commands_seq_unique ON commands (created_seq);
CREATE TABLE command_sequence (seq {{SERIAL}}, command_uuid TEXT NOT NULL);
INSERT INTO command_sequence (seq, command_uuid) SELECT created_seq, command_uuid FROM commands;
{{ADVANCE_SEQUENCE command_sequence}}
DELETE FROM command_sequence;
ALTER TABLE commands ADD COLUMN last_mdm_status BIGINT;
ALTER TABLE commands ADD COLUMN last_mdm_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE commands ADD COLUMN device_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE assignments ADD COLUMN install_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN next_retry_at BIGINT;
ALTER TABLE assignments ADD COLUMN dead BIGINT NOT NULL DEFAULT 0;
)SQL",
        // 6: a check-in that claims an enrolled device's serial number or UDID is parked here for an admin
        // instead of taking over that device's record.
        R"SQL(
CREATE TABLE identity_conflicts (
  id {{SERIAL}},
  device_id TEXT NOT NULL,
  enrollment_id TEXT NOT NULL,
  matched_on TEXT NOT NULL,
  value TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  UNIQUE (device_id, enrollment_id));
CREATE INDEX devices_mdm_id ON devices (mdm_id);
)SQL",
        // 7: scoped API tokens, stored as SHA-256 hashes.
        R"SQL(
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT);
)SQL",
        // 8: a counter bumped by every write to policies, devices and groups, so that readers can reuse a
        // resolution of the whole fleet until one of them changes (assignment statuses are read fresh).
        R"SQL(
CREATE TABLE inventory_generation (id BIGINT PRIMARY KEY, generation BIGINT NOT NULL);
INSERT INTO inventory_generation (id, generation) VALUES (1, 0);
)SQL",
        // 9: an InstallProfile is queued as the policy version it installs and rendered (and signed) by the
        // outbox just before its first send, outside the write lock; the bytes are kept once sent.
        R"SQL(
ALTER TABLE commands ADD COLUMN policy_version BIGINT;
)SQL",
        // 10: an assignment moving from its profile to the declarative form remembers the profile to remove
        // once the declarative identity is active.
        R"SQL(
ALTER TABLE assignments ADD COLUMN replaced_profile TEXT NOT NULL DEFAULT '';
)SQL",
        // 11: the outbox claims the oldest queued command: walk the queued rows in sequence order instead of
        // sorting every queued row on each claim (a fleet-wide edit queues one per device).
        R"SQL(
CREATE INDEX commands_queue ON commands (status, created_seq);
CREATE INDEX commands_device_queue ON commands (device_id, status, created_seq);
)SQL",
        // 12: the audit log of REST writes (who, when, what) and every accepted version of each policy; the
        // policies stored before this become their current version.
        R"SQL(
CREATE TABLE audit_log (
  id {{SERIAL}},
  at TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_scope TEXT NOT NULL,
  action TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  status BIGINT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
CREATE TABLE policy_versions (
  policy_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_scope TEXT NOT NULL,
  restored_from BIGINT,
  PRIMARY KEY (policy_id, version));
INSERT INTO policy_versions (policy_id, version, name, document, saved_at, actor_name, actor_scope)
  SELECT id, version, name, document, updated_at, '', '' FROM policies;
)SQL",
        // 13: the life of a certificate: each device's certificates as its last CertificateList answer
        // listed them, the inventory schedule, and per device and policy the renewal state.
        R"SQL(
CREATE TABLE device_certificates (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL,
  common_name TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  serial TEXT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  key_type TEXT NOT NULL,
  key_bits BIGINT NOT NULL,
  is_identity BIGINT NOT NULL,
  policy_id TEXT,
  reported_at TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (device_id, sha256));
CREATE TABLE device_inventory (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  next_inventory_at BIGINT NOT NULL,
  requested_at BIGINT,
  information_at BIGINT,
  profiles_at BIGINT,
  certificates_at BIGINT);
CREATE INDEX device_inventory_next ON device_inventory (next_inventory_at);
CREATE TABLE certificate_renewals (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL,
  generation BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  cert_sha256 TEXT NOT NULL DEFAULT '',
  cert_serial TEXT NOT NULL DEFAULT '',
  cert_not_before BIGINT,
  cert_not_after BIGINT,
  renew_at BIGINT,
  last_renewal_at BIGINT,
  started_at BIGINT,
  old_sha256 TEXT NOT NULL DEFAULT '',
  renewed_not_after BIGINT,
  renewed_at BIGINT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (device_id, policy_id));
CREATE INDEX certificate_renewals_renew_at ON certificate_renewals (renew_at);
)SQL",
    };
    return list;
}

std::string lower(const std::string& s) {
    std::string out = s;
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<std::int64_t> opt_int(const Row& r, std::size_t i) {
    if (r.is_null(i)) return std::nullopt;
    return r.integer(i);
}

SqlValue opt_value(const std::optional<std::int64_t>& v) {
    if (v) return *v;
    return nullptr;
}

const char* kAssignmentColumns =
    "device_id, policy_id, status, desired_version, installed_version, payload_identifier, payload_uuid, "
    "installed_payload_uuid, last_command_uuid, last_error, updated_at, install_attempts, next_retry_at, dead, "
    "replaced_profile";

AssignmentRow to_assignment(const Row& r) {
    AssignmentRow a;
    a.device_id = r.text(0);
    a.policy_id = r.text(1);
    a.status = r.text(2);
    a.desired_version = opt_int(r, 3);
    a.installed_version = opt_int(r, 4);
    a.payload_identifier = r.text(5);
    a.payload_uuid = r.text(6);
    a.installed_payload_uuid = r.text(7);
    a.last_command_uuid = r.text(8);
    a.last_error = r.text(9);
    a.updated_at = r.text(10);
    a.install_attempts = r.integer(11);
    a.next_retry_at = opt_int(r, 12);
    a.dead = r.integer(13) != 0;
    a.replaced_profile = r.text(14);
    return a;
}

// The assignments matching `where` (the SQL after "FROM assignments": WHERE and/or ORDER BY).
std::vector<AssignmentRow> select_assignments(Db& db, const std::string& where, const std::vector<SqlValue>& params = {}) {
    std::vector<AssignmentRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kAssignmentColumns + " FROM assignments " + where, params))
        out.push_back(to_assignment(r));
    return out;
}

const char* kCommandColumns =
    "c.command_uuid, c.device_id, c.policy_id, c.request_type, c.payload, c.status, c.attempts, c.last_error, "
    "c.created_at, c.updated_at, d.mdm_id, c.created_seq, c.next_attempt_at, c.last_mdm_status, c.last_mdm_answer, "
    "c.device_answer, c.policy_version";

CommandRow to_command(const Row& r) {
    CommandRow c;
    c.command_uuid = r.text(0);
    c.device_id = r.text(1);
    c.policy_id = r.text(2);
    c.request_type = r.text(3);
    c.payload = r.text(4);
    c.status = r.text(5);
    c.attempts = r.integer(6);
    c.last_error = r.text(7);
    c.created_at = r.text(8);
    c.updated_at = r.text(9);
    c.mdm_id = r.text(10);
    c.created_seq = r.integer(11);
    c.next_attempt_at = r.integer(12);
    c.last_mdm_status = opt_int(r, 13);
    c.last_mdm_answer = r.text(14);
    c.device_answer = r.text(15);
    c.policy_version = opt_int(r, 16);
    return c;
}

DeviceRow to_device(const Row& r) {
    DeviceRow d;
    d.id = r.text(0);
    d.record = r.text(1);
    d.mdm_id = r.text(2);
    d.enrolled = r.integer(3) != 0;
    d.updated_at = r.text(4);
    return d;
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& database_url) {
    std::unique_ptr<Db> db;
    if (database_url.rfind("sqlite:", 0) == 0) db = open_sqlite(database_url.substr(7));
    else db = open_postgres(database_url);
    std::unique_ptr<Store> store(new Store(std::move(db), database_url));
    store->migrate();
    return store;
}

void Store::open_readers(int count) {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    for (int i = 0; i < count; ++i) {
        if (url_.rfind("sqlite:", 0) == 0) readers_.push_back(open_sqlite(url_.substr(7)));
        else readers_.push_back(open_postgres(url_));
        ++reader_count_;
    }
}

std::unique_ptr<Db> Store::take_reader() {
    std::unique_lock<std::mutex> lock(readers_mutex_);
    readers_cv_.wait(lock, [this] { return !readers_.empty(); });
    std::unique_ptr<Db> reader = std::move(readers_.back());
    readers_.pop_back();
    return reader;
}

void Store::give_back(std::unique_ptr<Db> reader) {
    {
        std::lock_guard<std::mutex> lock(readers_mutex_);
        readers_.push_back(std::move(reader));
    }
    readers_cv_.notify_one();
}

void Store::migrate() {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    db_->script("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)");
    const auto& list = migrations();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto version = static_cast<std::int64_t>(i + 1);
        transaction([&](Db& db) {
            // PostgreSQL: one instance migrates at a time; the others wait here and then skip.
            if (db.dialect() == Dialect::postgres) db.script("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
            if (!db.query("SELECT version FROM schema_migrations WHERE version = $1", {version}).empty()) return;
            std::string sql = list[i];
            const std::string serial = db.dialect() == Dialect::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                                       : "BIGSERIAL PRIMARY KEY";
            for (auto at = sql.find("{{SERIAL}}"); at != std::string::npos; at = sql.find("{{SERIAL}}"))
                sql.replace(at, 10, serial);
            // {{ADVANCE_SEQUENCE table}}: after explicit ids were inserted, the next generated id follows
            // them (SQLite's AUTOINCREMENT already does; PostgreSQL's sequence must be told).
            for (auto at = sql.find("{{ADVANCE_SEQUENCE "); at != std::string::npos;
                 at = sql.find("{{ADVANCE_SEQUENCE ")) {
                auto end = sql.find("}}", at);
                std::string table = sql.substr(at + 19, end - at - 19);
                std::string replacement =
                    db.dialect() == Dialect::sqlite
                        ? ""
                        : "SELECT setval(pg_get_serial_sequence('" + table + "', 'seq'), COALESCE((SELECT MAX(seq) FROM " +
                              table + "), 0) + 1, false);";
                sql.replace(at, end + 2 - at, replacement);
            }
            db.script(sql);
            db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", {version, now_rfc3339()});
            log_info("applied database migration", {{"version", version}});
        });
    }
}

int Store::schema_version() {
    return transaction([&](Db& db) {
        auto rows = db.query("SELECT MAX(version) FROM schema_migrations");
        return rows.empty() ? 0 : static_cast<int>(rows[0].integer(0));
    });
}

std::string Store::setting_or_create(Db& db, const std::string& key, const std::string& value_if_absent) {
    db.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", {key, value_if_absent});
    auto rows = db.query("SELECT value FROM settings WHERE key = $1", {key});
    return rows.empty() ? value_if_absent : rows[0].text(0);
}

// --- policies

namespace {
const char* kPolicyColumns = "id, name, version, document, updated_at, accepted_unix, accepted_core_version";

PolicyRow to_policy(const Row& r) {
    return PolicyRow{r.text(0), r.text(1), r.text(3), r.text(4), r.integer(2), r.integer(5), r.text(6)};
}
}  // namespace

std::vector<PolicyRow> Store::policies(Db& db) {
    std::vector<PolicyRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kPolicyColumns + " FROM policies ORDER BY id"))
        out.push_back(to_policy(r));
    return out;
}

std::optional<PolicyRow> Store::policy(Db& db, const std::string& id) {
    auto rows = db.query(std::string("SELECT ") + kPolicyColumns + " FROM policies WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return to_policy(rows[0]);
}

void Store::bump_inventory_generation(Db& db) {
    db.query("UPDATE inventory_generation SET generation = generation + 1 WHERE id = 1");
}

std::int64_t Store::inventory_generation(Db& db) {
    auto rows = db.query("SELECT generation FROM inventory_generation WHERE id = 1");
    return rows.empty() ? -1 : rows[0].integer(0);
}

void Store::insert_policy(Db& db, const PolicyRow& row) {
    bump_inventory_generation(db);
    db.query("INSERT INTO policies (id, name, name_key, version, document, updated_at, accepted_unix, "
             "accepted_core_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {row.id, row.name, lower(row.name), row.version, row.document, row.updated_at, row.accepted_unix,
              row.accepted_core_version});
}

void Store::update_policy(Db& db, const PolicyRow& row) {
    bump_inventory_generation(db);
    db.query("UPDATE policies SET name = $2, name_key = $3, version = $4, document = $5, updated_at = $6, "
             "accepted_unix = $7, accepted_core_version = $8 WHERE id = $1",
             {row.id, row.name, lower(row.name), row.version, row.document, row.updated_at, row.accepted_unix,
              row.accepted_core_version});
}

bool Store::delete_policy(Db& db, const std::string& id) {
    bump_inventory_generation(db);
    return !db.query("DELETE FROM policies WHERE id = $1 RETURNING id", {id}).empty();
}

std::optional<std::string> Store::policy_with_name(Db& db, const std::string& name, const std::string& except_id) {
    auto rows = db.query("SELECT id FROM policies WHERE name_key = $1 AND id <> $2", {lower(name), except_id});
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

// --- devices

std::vector<DeviceRow> Store::devices(Db& db) {
    std::vector<DeviceRow> out;
    for (const auto& r : db.query("SELECT id, record, mdm_id, enrolled, updated_at FROM devices ORDER BY id"))
        out.push_back(to_device(r));
    return out;
}

std::optional<DeviceRow> Store::device(Db& db, const std::string& id) {
    auto rows = db.query("SELECT id, record, mdm_id, enrolled, updated_at FROM devices WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return to_device(rows[0]);
}

std::optional<DeviceRow> Store::device_by_identifier(Db& db, const std::string& udid_or_serial) {
    auto rows = db.query(
        "SELECT id, record, mdm_id, enrolled, updated_at FROM devices WHERE udid = $1 OR serial_number = $1 "
        "OR mdm_id = $1 ORDER BY id LIMIT 1",
        {udid_or_serial});
    if (rows.empty()) return std::nullopt;
    return to_device(rows[0]);
}

std::optional<DeviceRow> Store::device_by_mdm_id(Db& db, const std::string& mdm_id) {
    auto rows = db.query("SELECT id, record, mdm_id, enrolled, updated_at FROM devices WHERE mdm_id = $1 "
                         "ORDER BY id LIMIT 1",
                         {mdm_id});
    if (rows.empty()) return std::nullopt;
    return to_device(rows[0]);
}

std::vector<DeviceRow> Store::devices_with(Db& db, const char* column, const std::string& value) {
    const std::string name = std::string(column) == "udid" ? "udid" : "serial_number";
    std::vector<DeviceRow> out;
    for (const auto& r : db.query("SELECT id, record, mdm_id, enrolled, updated_at FROM devices WHERE " + name +
                                      " = $1 ORDER BY id",
                                  {value}))
        out.push_back(to_device(r));
    return out;
}

void Store::park_identity_conflict(Db& db, const IdentityConflict& c) {
    db.query("INSERT INTO identity_conflicts (device_id, enrollment_id, matched_on, value, detected_at) "
             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, enrollment_id) DO NOTHING",
             {c.device_id, c.enrollment_id, c.matched_on, c.value, now_rfc3339()});
}

std::vector<IdentityConflict> Store::identity_conflicts(Db& db, const std::string& device_id) {
    std::vector<IdentityConflict> out;
    std::string sql = "SELECT id, device_id, enrollment_id, matched_on, value, detected_at FROM identity_conflicts";
    std::vector<SqlValue> params;
    if (!device_id.empty()) {
        sql += " WHERE device_id = $1 OR enrollment_id = $1";
        params.push_back(device_id);
    }
    for (const auto& r : db.query(sql + " ORDER BY id", params))
        out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
    return out;
}

bool Store::dismiss_identity_conflict(Db& db, std::int64_t id) {
    return !db.query("DELETE FROM identity_conflicts WHERE id = $1 RETURNING id", {id}).empty();
}

void Store::upsert_device(Db& db, const DeviceRow& row, const std::string& udid, const std::string& serial) {
    bump_inventory_generation(db);
    auto null_if_empty = [](const std::string& s) -> SqlValue {
        if (s.empty()) return nullptr;
        return s;
    };
    db.query(
        "INSERT INTO devices (id, record, udid, serial_number, mdm_id, enrolled, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET record = excluded.record, "
        "udid = excluded.udid, serial_number = excluded.serial_number, mdm_id = excluded.mdm_id, "
        "updated_at = excluded.updated_at",
        {row.id, row.record, null_if_empty(udid), null_if_empty(serial), row.mdm_id,
         static_cast<std::int64_t>(row.enrolled ? 1 : 0), row.updated_at});
}

void Store::set_enrolled(Db& db, const std::string& id, bool enrolled) {
    bump_inventory_generation(db);
    db.query("UPDATE devices SET enrolled = $2 WHERE id = $1", {id, static_cast<std::int64_t>(enrolled ? 1 : 0)});
}

bool Store::delete_device(Db& db, const std::string& id) {
    bump_inventory_generation(db);
    db.query("DELETE FROM group_members WHERE device_id = $1", {id});
    return !db.query("DELETE FROM devices WHERE id = $1 RETURNING id", {id}).empty();
}

// --- groups

std::vector<GroupRow> Store::groups(Db& db) {
    std::vector<GroupRow> out;
    for (const auto& r : db.query("SELECT id, name, updated_at FROM device_groups ORDER BY id"))
        out.push_back({r.text(0), r.text(1), r.text(2), {}});
    std::size_t g = 0;
    for (const auto& r : db.query("SELECT group_id, device_id FROM group_members ORDER BY group_id, device_id")) {
        while (g < out.size() && out[g].id < r.text(0)) ++g;
        if (g < out.size() && out[g].id == r.text(0)) out[g].devices.push_back(r.text(1));
    }
    return out;
}

std::optional<GroupRow> Store::group(Db& db, const std::string& id) {
    auto rows = db.query("SELECT id, name, updated_at FROM device_groups WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    GroupRow g{rows[0].text(0), rows[0].text(1), rows[0].text(2), {}};
    for (const auto& r : db.query("SELECT device_id FROM group_members WHERE group_id = $1 ORDER BY device_id", {id}))
        g.devices.push_back(r.text(0));
    return g;
}

void Store::upsert_group(Db& db, const std::string& id, const std::string& name) {
    bump_inventory_generation(db);
    db.query("INSERT INTO device_groups (id, name, updated_at) VALUES ($1, $2, $3) "
             "ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
             {id, name, now_rfc3339()});
}

void Store::set_members(Db& db, const std::string& group_id, const std::vector<std::string>& devices) {
    bump_inventory_generation(db);
    db.query("DELETE FROM group_members WHERE group_id = $1", {group_id});
    for (const auto& d : devices)
        db.query("INSERT INTO group_members (group_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                 {group_id, d});
    db.query("UPDATE device_groups SET updated_at = $2 WHERE id = $1", {group_id, now_rfc3339()});
}

bool Store::delete_group(Db& db, const std::string& id) {
    bump_inventory_generation(db);
    return !db.query("DELETE FROM device_groups WHERE id = $1 RETURNING id", {id}).empty();
}

std::vector<std::pair<std::string, std::string>> Store::groups_of(Db& db, const std::string& device_id) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : db.query("SELECT g.id, g.name FROM group_members m JOIN device_groups g ON g.id = m.group_id "
                                  "WHERE m.device_id = $1 ORDER BY g.id",
                                  {device_id}))
        out.emplace_back(r.text(0), r.text(1));
    return out;
}

// --- assignments

std::vector<AssignmentRow> Store::assignments_of_device(Db& db, const std::string& device_id) {
    return select_assignments(db, "WHERE device_id = $1 ORDER BY policy_id", {device_id});
}

std::vector<AssignmentRow> Store::assignments_of_policy(Db& db, const std::string& policy_id) {
    return select_assignments(db, "WHERE policy_id = $1 ORDER BY device_id", {policy_id});
}

std::vector<AssignmentRow> Store::all_assignments(Db& db) {
    return select_assignments(db, "ORDER BY device_id, policy_id");
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

std::optional<CommandRow> Store::claim_next_command(Db& db, const std::string& instance, std::int64_t now_ms,
                                                    std::int64_t lease_until_ms) {
    // One command per claim, the oldest due one whose device has no older command still queued, so each
    // device gets its commands in sequence order even while an older one waits for a retry. On PostgreSQL
    // a row another instance is claiming is skipped (FOR UPDATE SKIP LOCKED); SQLite serialises writers.
    std::string lock = db.dialect() == Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
    auto claimed = db.query(
        "UPDATE commands SET claimed_by = $1, claim_until = $2, attempts = attempts + 1 WHERE command_uuid IN ("
        "SELECT c.command_uuid FROM commands c WHERE c.status = 'queued' AND c.next_attempt_at <= $3 "
        "AND (c.claim_until IS NULL OR c.claim_until < $3) AND NOT EXISTS (SELECT 1 FROM commands e "
        "WHERE e.device_id = c.device_id AND e.status = 'queued' AND e.created_seq < c.created_seq) "
        "ORDER BY c.created_seq LIMIT 1" + lock + ") RETURNING command_uuid",
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

// --- events

std::int64_t Store::insert_event(Db& db, const EventRow& e) {
    SqlValue event_id = e.event_id.empty() ? SqlValue(nullptr) : SqlValue(e.event_id);
    auto rows = db.query("INSERT INTO events (topic, device_id, body, received_at, event_id, status, reason) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         {e.topic, e.device_id, e.body, now_rfc3339_ms(), event_id, e.status, e.reason});
    return rows.empty() ? 0 : rows[0].integer(0);
}

std::optional<Store::StoredEvent> Store::latest_event(Db& db, const std::string& device_id, const std::string& topic) {
    auto rows = db.query(
        "SELECT body, received_at FROM events WHERE device_id = $1 AND topic = $2 ORDER BY id DESC LIMIT 1",
        {device_id, topic});
    if (rows.empty()) return std::nullopt;
    return StoredEvent{rows[0].text(0), rows[0].text(1)};
}

bool Store::event_seen(Db& db, const std::string& event_id) {
    if (event_id.empty()) return false;
    return !db.query("SELECT id FROM events WHERE event_id = $1", {event_id}).empty();
}

std::int64_t Store::prune_events(Db& db, const std::string& before_rfc3339) {
    return static_cast<std::int64_t>(
        db.query("DELETE FROM events WHERE received_at < $1 RETURNING id", {before_rfc3339}).size());
}

std::vector<EventRow> Store::events(Db& db, int limit) {
    std::vector<EventRow> out;
    for (const auto& r : db.query("SELECT topic, device_id, body, COALESCE(event_id, ''), status, reason, received_at "
                                  "FROM events ORDER BY id DESC LIMIT " + std::to_string(limit)))
        out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6)});
    return out;
}

std::int64_t Store::event_count(Db& db) {
    auto rows = db.query("SELECT COUNT(*) FROM events");
    return rows.empty() ? 0 : rows[0].integer(0);
}

}  // namespace acmepolicy::server
