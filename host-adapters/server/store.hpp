// The server's store: policies, devices, groups, per-device assignment state, the command outbox and the
// webhook event journal, over SQLite or PostgreSQL with one schema and versioned migrations.
//
// The store only keeps and moves data; the core decides what a policy means and what to send.
// Every method is thread-safe (one connection, serialised); methods taking `Db&` run inside transaction().
#pragma once

#include <condition_variable>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/db.hpp"

namespace acmepolicy::server {

struct PolicyRow {
    std::string id, name, document, updated_at;  // document: the JSON text as last accepted
    std::int64_t version = 0;
    std::int64_t accepted_unix = 0;     // when the core accepted `document` (0: before this was kept)
    std::string accepted_core_version;  // the core version that accepted it
};

struct DeviceRow {
    std::string id, record, updated_at;  // record: the device record JSON (public contract)
    std::string mdm_id;                  // the id commands are enqueued to (NanoMDM ids.id or the UDID)
    bool enrolled = false;               // TokenUpdate seen and no CheckOut since
};

struct GroupRow {
    std::string id, name, updated_at;
    std::vector<std::string> devices;
};

/// Per device and policy: what is wanted, what is installed, and how the last command went.
struct AssignmentRow {
    std::string device_id, policy_id;
    std::string status;  // pending | installed | failed | removing | removed
    std::optional<std::int64_t> desired_version, installed_version;
    std::string payload_identifier;      // of the installed (or being installed) profile
    std::string payload_uuid;            // desired profile's UUID (set when its command is queued)
    std::string installed_payload_uuid;  // confirmed by an Acknowledged report
    std::string last_command_uuid;
    std::string last_error;  // JSON text (the error chain) or ""
    std::string updated_at;
    std::int64_t install_attempts = 0;          // device Error answers to installs of the desired version
    std::optional<std::int64_t> next_retry_at;  // Unix ms of the next install attempt after an Error
    bool dead = false;  // given up: the send or install attempts are used up; only an admin retries
    /// While the assignment moves from the profile to the declarative form: the PayloadIdentifier of the
    /// profile to remove once the declarative identity is reported active (the device keeps an identity).
    std::string replaced_profile;
};

/// One MDM command in the outbox and its fate.
struct CommandRow {
    std::string command_uuid, device_id, policy_id, request_type, payload;
    std::string status;  // queued | enqueued | acknowledged | error | failed | notnow | dead | cancelled
    std::int64_t attempts = 0;  // sends to the MDM
    std::string last_error, created_at, updated_at;
    std::string mdm_id;  // joined from devices when claimed
    std::int64_t created_seq = 0;      // the outbox order (a database sequence)
    std::int64_t next_attempt_at = 0;  // Unix ms
    std::optional<std::int64_t> last_mdm_status;  // HTTP status of the MDM's last answer (none: transport error)
    std::string last_mdm_answer;                  // excerpt of that answer, or the transport error
    std::string device_answer;                    // the device's report (JSON: status, error_chain)
    /// Set for an InstallProfile queued unrendered: the policy version it installs. Its payload is empty
    /// until the outbox renders it just before the first send.
    std::optional<std::int64_t> policy_version;
};

struct CommandFilter {
    std::string device_id, policy_id, status;  // "" = any
    int limit = 100;
};

/// A check-in that named an enrolled device's UDID or serial number under another enrollment: parked for an
/// admin (the new enrollment gets its own record; the enrolled device keeps its record and profiles).
struct IdentityConflict {
    std::int64_t id = 0;
    std::string device_id;      // the enrolled device whose identifier was claimed
    std::string enrollment_id;  // the other enrollment (its own device record)
    std::string matched_on;     // "serial_number" | "udid"
    std::string value;
    std::string detected_at;
};

/// One webhook event in the journal (secrets redacted before it gets here).
struct EventRow {
    std::string topic, device_id, body;
    std::string event_id;  // the MDM's event id; "" when the event had none
    std::string status = "applied";  // applied | rejected | failed
    std::string reason;              // why rejected or failed
    std::string received_at;
};

class Store {
public:
    /// Opens the database named by a `sqlite:PATH` or `postgresql://` URL and applies pending migrations.
    /// Throws DbError with a sentence saying what failed.
    static std::unique_ptr<Store> open(const std::string& database_url);

    Dialect dialect() const { return db_->dialect(); }
    int schema_version();

    /// Runs `body` in one transaction (retried on lock timeouts); rolls back if it throws.
    template <typename Body>
    auto transaction(Body&& body) -> decltype(body(std::declval<Db&>()));

    /// transaction() for writes that a crash may lose without harm because they are redone (the
    /// pre-renderer's payloads: the sender renders what is missing): its commit does not wait for the disk
    /// (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit off). A later durable commit still makes
    /// it durable, and no commit is ever reordered or torn.
    template <typename Body>
    auto redoable_transaction(Body&& body) -> decltype(body(std::declval<Db&>()));

    /// Runs `body` in a read-only transaction on a connection of the reader pool, beside the writer and
    /// other readers (SQLite WAL readers, PostgreSQL READ ONLY). `body` must not write. Without a pool
    /// (open_readers not called) it runs as transaction().
    template <typename Body>
    auto read_transaction(Body&& body) -> decltype(body(std::declval<Db&>()));

    /// Opens `count` more connections to the same database for read_transaction(). Throws DbError.
    void open_readers(int count);

    // --- settings (e.g. the client-token secret, shared by every instance on one database)
    std::string setting_or_create(Db& db, const std::string& key, const std::string& value_if_absent);

    /// A number that changes with every write to policies, devices or groups (in the writing transaction):
    /// equal numbers in two snapshots mean the same inventory and policies.
    std::int64_t inventory_generation(Db& db);

    // --- policies
    std::vector<PolicyRow> policies(Db& db);
    std::optional<PolicyRow> policy(Db& db, const std::string& id);
    /// Throws DbError{conflict} when the id or the case-folded name exists.
    void insert_policy(Db& db, const PolicyRow& row);
    void update_policy(Db& db, const PolicyRow& row);
    bool delete_policy(Db& db, const std::string& id);
    /// The id of another policy with this name ignoring case, if any.
    std::optional<std::string> policy_with_name(Db& db, const std::string& name, const std::string& except_id);

    // --- devices
    std::vector<DeviceRow> devices(Db& db);
    std::optional<DeviceRow> device(Db& db, const std::string& id);
    /// The devices among `ids` that exist, in no particular order (one query; keep `ids` to a few hundred).
    std::vector<DeviceRow> devices_with_ids(Db& db, const std::vector<std::string>& ids);
    std::optional<DeviceRow> device_by_identifier(Db& db, const std::string& udid_or_serial);
    std::optional<DeviceRow> device_by_mdm_id(Db& db, const std::string& mdm_id);
    /// Devices whose `column` ("udid" or "serial_number") equals `value`, by id.
    std::vector<DeviceRow> devices_with(Db& db, const char* column, const std::string& value);
    void upsert_device(Db& db, const DeviceRow& row, const std::string& udid, const std::string& serial);
    void park_identity_conflict(Db& db, const IdentityConflict& conflict);
    /// Every parked conflict, or those naming `device_id` on either side.
    std::vector<IdentityConflict> identity_conflicts(Db& db, const std::string& device_id = "");
    bool dismiss_identity_conflict(Db& db, std::int64_t id);
    void set_enrolled(Db& db, const std::string& id, bool enrolled);
    bool delete_device(Db& db, const std::string& id);

    // --- groups
    std::vector<GroupRow> groups(Db& db);
    std::optional<GroupRow> group(Db& db, const std::string& id);
    void upsert_group(Db& db, const std::string& id, const std::string& name);
    void set_members(Db& db, const std::string& group_id, const std::vector<std::string>& devices);
    bool delete_group(Db& db, const std::string& id);
    /// (device id, group id, group name) of every membership of these devices, by group id (one query;
    /// keep `ids` to a few hundred).
    std::vector<std::array<std::string, 3>> memberships_of(Db& db, const std::vector<std::string>& ids);

    // --- assignments
    std::vector<AssignmentRow> assignments_of_device(Db& db, const std::string& device_id);
    std::vector<AssignmentRow> assignments_of_policy(Db& db, const std::string& policy_id);
    /// (policy id, device id, status) of every assignment whose status is not "pending": what the counts
    /// and views need, without the other columns (fleet-sized reads).
    std::vector<std::array<std::string, 3>> assignment_statuses(Db& db);
    std::optional<AssignmentRow> assignment(Db& db, const std::string& device_id, const std::string& policy_id);
    void save_assignment(Db& db, const AssignmentRow& row);

    // --- command outbox
    void insert_command(Db& db, const CommandRow& row, std::int64_t due_ms);
    /// Keeps the bytes the outbox rendered for a command queued unrendered (see CommandRow::policy_version).
    void set_command_payload(Db& db, const std::string& command_uuid, const std::string& payload);
    std::optional<CommandRow> command(Db& db, const std::string& command_uuid);
    /// Up to `limit` queued InstallProfile commands still unrendered (empty payload, policy_version set)
    /// with created_seq above `after`, in sequence order: the pre-renderer's next batch.
    std::vector<CommandRow> unrendered_installs(Db& db, std::int64_t after, int limit);
    /// Stores the rendered bytes of a queued command that has none yet; false when it was sent, cancelled
    /// or rendered meanwhile (its row is left alone).
    bool set_unsent_payload(Db& db, const std::string& command_uuid, const std::string& payload);
    /// Claims the oldest due, unclaimed queued command whose device has no older queued command, for
    /// `instance` until `lease_until_ms`, counting one send attempt. Safe with several instances on one
    /// database: a command is claimed by one of them only.
    std::optional<CommandRow> claim_next_command(Db& db, const std::string& instance, std::int64_t now_ms,
                                                 std::int64_t lease_until_ms);
    void record_mdm_answer(Db& db, const std::string& command_uuid, std::optional<std::int64_t> http_status,
                           const std::string& answer);
    void set_device_answer(Db& db, const std::string& command_uuid, const std::string& answer);
    /// Queues a command again from scratch (an admin's retry of a dead or rejected command).
    void requeue_command(Db& db, const std::string& command_uuid, std::int64_t due_ms);
    /// The outbox, newest first.
    std::vector<CommandRow> commands(Db& db, const CommandFilter& filter);
    /// Installs a device answered with Error whose retry time has come.
    std::vector<AssignmentRow> installs_due_for_retry(Db& db, std::int64_t now_ms);
    std::optional<std::int64_t> next_install_retry_ms(Db& db);
    /// Records the MDM's answer. status "queued" with retry_at_ms schedules another attempt.
    void finish_command(Db& db, const std::string& command_uuid, const std::string& status,
                        const std::string& error, std::optional<std::int64_t> retry_at_ms);
    void set_command_status(Db& db, const std::string& command_uuid, const std::string& status,
                            const std::string& error);
    std::vector<CommandRow> commands_of_device(Db& db, const std::string& device_id);
    /// The soonest next_attempt_at of a queued command, if any (lets the outbox sleep until then).
    std::optional<std::int64_t> next_due_ms(Db& db);

    // --- webhook event journal
    /// Throws DbError{conflict} when an event with this event_id is already journaled.
    std::int64_t insert_event(Db& db, const EventRow& event);
    bool event_seen(Db& db, const std::string& event_id);
    /// Deletes events received before the RFC 3339 time; returns how many.
    std::int64_t prune_events(Db& db, const std::string& before_rfc3339);
    /// The newest `limit` events, newest first.
    std::vector<EventRow> events(Db& db, int limit);
    std::int64_t event_count(Db& db);
    /// The newest stored event of `topic` about `device_id`, if any: its body and when it was received.
    struct StoredEvent {
        std::string body, received_at;
    };
    std::optional<StoredEvent> latest_event(Db& db, const std::string& device_id, const std::string& topic);

    /// Raw access for tests and counters.
    Db& unsafe_db() { return *db_; }

private:
    explicit Store(std::unique_ptr<Db> db, std::string url) : db_(std::move(db)), url_(std::move(url)) {}
    void migrate();
    void bump_inventory_generation(Db& db);
    std::unique_ptr<Db> take_reader();
    void give_back(std::unique_ptr<Db> reader);

    std::unique_ptr<Db> db_;
    std::string url_;
    std::recursive_mutex mutex_;
    std::mutex readers_mutex_;
    std::condition_variable readers_cv_;
    std::vector<std::unique_ptr<Db>> readers_;
    int reader_count_ = 0;
};

template <typename Body>
auto Store::read_transaction(Body&& body) -> decltype(body(std::declval<Db&>())) {
    if (reader_count_ == 0) return transaction(std::forward<Body>(body));
    std::unique_ptr<Db> reader = take_reader();
    struct Return {
        Store& store;
        std::unique_ptr<Db>& db;
        ~Return() { store.give_back(std::move(db)); }
    } give_back_later{*this, reader};
    reader->script(reader->dialect() == Dialect::sqlite ? "BEGIN" : "BEGIN READ ONLY");
    try {
        if constexpr (std::is_void_v<decltype(body(*reader))>) {
            body(*reader);
            reader->script("COMMIT");
            return;
        } else {
            auto result = body(*reader);
            reader->script("COMMIT");
            return result;
        }
    } catch (...) {
        try { reader->script("ROLLBACK"); } catch (...) {}
        throw;
    }
}

template <typename Body>
auto Store::redoable_transaction(Body&& body) -> decltype(body(std::declval<Db&>())) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (db_->dialect() == Dialect::postgres)
        return transaction([&](Db& db) {
            db.script("SET LOCAL synchronous_commit TO OFF");
            return body(db);
        });
    // Outside the transaction, under the writer's lock: no other commit runs with the relaxed setting.
    db_->script("PRAGMA synchronous=NORMAL");
    try {
        if constexpr (std::is_void_v<decltype(body(*db_))>) {
            transaction(std::forward<Body>(body));
            db_->script("PRAGMA synchronous=FULL");
        } else {
            auto result = transaction(std::forward<Body>(body));
            db_->script("PRAGMA synchronous=FULL");
            return result;
        }
    } catch (...) {
        db_->script("PRAGMA synchronous=FULL");
        throw;
    }
}

template <typename Body>
auto Store::transaction(Body&& body) -> decltype(body(std::declval<Db&>())) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    const char* begin = db_->dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
    for (int attempt = 0;; ++attempt) {
        db_->script(begin);
        try {
            if constexpr (std::is_void_v<decltype(body(*db_))>) {
                body(*db_);
                db_->script("COMMIT");
                return;
            } else {
                auto result = body(*db_);
                db_->script("COMMIT");
                return result;
            }
        } catch (const DbError& e) {
            try { db_->script("ROLLBACK"); } catch (...) {}
            if (!e.busy || attempt >= 5) throw;
        } catch (...) {
            try { db_->script("ROLLBACK"); } catch (...) {}
            throw;
        }
    }
}

}  // namespace acmepolicy::server
