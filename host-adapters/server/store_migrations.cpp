// The store's schema: one for SQLite and PostgreSQL, as numbered migrations (applied by Store::migrate).
// Long by nature: every released migration stays here verbatim, one string per schema version.
#include "server/store_rows.hpp"

namespace acmepolicy::server::store_rows {

/// Migration N brings the schema from version N-1 to N. Never edit a released migration: add one.
/// "{{SERIAL}}" becomes the engine's auto-increment primary key.
const std::vector<std::string>& store_migrations() {
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
        // 14: the outbox claims the earliest due command by walking this index in order and stopping at the
        // first one it may send; ordered by created_seq alone, SQLite read every queued row and sorted them
        // (400 ms a claim with 100,000 queued).
        R"SQL(
CREATE INDEX commands_claim ON commands (status, next_attempt_at, created_seq);
)SQL",
        // 15: the policy counts read the assignments that are not pending (AssignmentStatuses) from a small
        // covering index instead of scanning the table: after a fleet-wide edit every assignment is pending,
        // and each GET /policies read all 100,000 rows. The command indexes that another index's prefix
        // already serves are dropped: a fleet-wide edit inserts one command per device into each of them.
        R"SQL(
CREATE INDEX assignments_settled ON assignments (policy_id, device_id, status) WHERE status <> 'pending';
DROP INDEX commands_seq;
DROP INDEX commands_due;
DROP INDEX commands_device;
)SQL",
    };
    return list;
}

}  // namespace acmepolicy::server::store_rows
