// SQL of the certificate lifecycle tables (migration 8 of store.cpp).
#include "server/lifecycle_store.hpp"

#include "server/log.hpp"

namespace acmepolicy::server {

namespace {

std::optional<std::int64_t> opt(const Row& r, std::size_t i) {
    if (r.is_null(i)) return std::nullopt;
    return r.integer(i);
}

SqlValue value(const std::optional<std::int64_t>& v) {
    if (v) return *v;
    return nullptr;
}

const char* kCertificateColumns =
    "device_id, sha256, common_name, subject, issuer, serial, not_before, not_after, key_type, key_bits, "
    "is_identity, COALESCE(policy_id, ''), reported_at, data";

const char* kRenewalColumns =
    "device_id, policy_id, generation, state, reason, cert_sha256, cert_serial, cert_not_before, cert_not_after, "
    "renew_at, last_renewal_at, started_at, old_sha256, renewed_not_after, renewed_at";

RenewalRow to_renewal(const Row& r) {
    RenewalRow row;
    row.device_id = r.text(0);
    row.policy_id = r.text(1);
    row.generation = r.integer(2);
    row.state = r.text(3);
    row.reason = r.text(4);
    row.cert_sha256 = r.text(5);
    row.cert_serial = r.text(6);
    row.cert_not_before = opt(r, 7);
    row.cert_not_after = opt(r, 8);
    row.renew_at = opt(r, 9);
    row.last_renewal_at = opt(r, 10);
    row.started_at = opt(r, 11);
    row.old_sha256 = r.text(12);
    row.renewed_not_after = opt(r, 13);
    row.renewed_at = opt(r, 14);
    return row;
}

std::vector<RenewalRow> select_renewals(Db& db, const std::string& rest, const std::vector<SqlValue>& params = {}) {
    std::vector<RenewalRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kRenewalColumns + " FROM certificate_renewals " + rest, params))
        out.push_back(to_renewal(r));
    return out;
}

}  // namespace

void replace_device_certificates(Db& db, const std::string& device_id, const std::vector<StoredCertificate>& certs) {
    db.query("DELETE FROM device_certificates WHERE device_id = $1", {device_id});
    const std::string now = now_rfc3339();
    for (const auto& c : certs) {
        SqlValue policy = c.policy_id.empty() ? SqlValue(nullptr) : SqlValue(c.policy_id);
        // The same certificate twice in one answer is one row.
        db.query("INSERT INTO device_certificates (device_id, sha256, common_name, subject, issuer, serial, not_before, "
                 "not_after, key_type, key_bits, is_identity, policy_id, reported_at, data) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING",
                 {device_id, c.sha256, c.common_name, c.subject, c.issuer, c.serial, c.not_before, c.not_after,
                  c.key_type, c.key_bits, static_cast<std::int64_t>(c.is_identity ? 1 : 0), policy, now, c.data});
    }
}

std::vector<StoredCertificate> device_certificates(Db& db, const std::string& device_id) {
    std::vector<StoredCertificate> out;
    for (const auto& r : db.query(std::string("SELECT ") + kCertificateColumns +
                                      " FROM device_certificates WHERE device_id = $1 ORDER BY not_after, sha256",
                                  {device_id})) {
        StoredCertificate c;
        c.device_id = r.text(0);
        c.sha256 = r.text(1);
        c.common_name = r.text(2);
        c.subject = r.text(3);
        c.issuer = r.text(4);
        c.serial = r.text(5);
        c.not_before = r.integer(6);
        c.not_after = r.integer(7);
        c.key_type = r.text(8);
        c.key_bits = r.integer(9);
        c.is_identity = r.integer(10) != 0;
        c.policy_id = r.text(11);
        c.reported_at = r.text(12);
        c.data = r.text(13);
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<RenewalRow> renewal_of(Db& db, const std::string& device_id, const std::string& policy_id) {
    auto rows = select_renewals(db, "WHERE device_id = $1 AND policy_id = $2", {device_id, policy_id});
    if (rows.empty()) return std::nullopt;
    return std::move(rows[0]);
}

std::vector<RenewalRow> renewals_of_device(Db& db, const std::string& device_id) {
    return select_renewals(db, "WHERE device_id = $1 ORDER BY policy_id", {device_id});
}

std::vector<RenewalRow> all_renewals(Db& db) { return select_renewals(db, "ORDER BY device_id, policy_id"); }

void save_renewal(Db& db, const RenewalRow& r) {
    db.query("INSERT INTO certificate_renewals (device_id, policy_id, generation, state, reason, cert_sha256, "
             "cert_serial, cert_not_before, cert_not_after, renew_at, last_renewal_at, started_at, old_sha256, "
             "renewed_not_after, renewed_at, updated_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
             "ON CONFLICT (device_id, policy_id) DO UPDATE SET generation = excluded.generation, "
             "state = excluded.state, reason = excluded.reason, cert_sha256 = excluded.cert_sha256, "
             "cert_serial = excluded.cert_serial, cert_not_before = excluded.cert_not_before, "
             "cert_not_after = excluded.cert_not_after, renew_at = excluded.renew_at, "
             "last_renewal_at = excluded.last_renewal_at, started_at = excluded.started_at, "
             "old_sha256 = excluded.old_sha256, renewed_not_after = excluded.renewed_not_after, "
             "renewed_at = excluded.renewed_at, updated_at = excluded.updated_at",
             {r.device_id, r.policy_id, r.generation, r.state, r.reason, r.cert_sha256, r.cert_serial,
              value(r.cert_not_before), value(r.cert_not_after), value(r.renew_at), value(r.last_renewal_at),
              value(r.started_at), r.old_sha256, value(r.renewed_not_after), value(r.renewed_at), now_rfc3339()});
}

std::vector<RenewalRow> renewals_due(Db& db, std::int64_t now, int limit) {
    return select_renewals(db, "WHERE renew_at IS NOT NULL AND renew_at <= $1 AND state <> 'renewing' "
                               "ORDER BY renew_at, device_id, policy_id LIMIT " + std::to_string(limit),
                           {now});
}

std::vector<RenewalRow> renewals_timed_out(Db& db, std::int64_t started_before, int limit) {
    return select_renewals(db, "WHERE state = 'renewing' AND started_at IS NOT NULL AND started_at <= $1 "
                               "ORDER BY started_at LIMIT " + std::to_string(limit),
                           {started_before});
}

bool claim_due_renewal(Db& db, const std::string& device_id, const std::string& policy_id, std::int64_t renew_at) {
    return !db.query("UPDATE certificate_renewals SET renew_at = NULL WHERE device_id = $1 AND policy_id = $2 AND "
                     "renew_at = $3 RETURNING device_id",
                     {device_id, policy_id, renew_at})
                .empty();
}

std::vector<RenewalRow> renewal_generations(Db& db, const std::vector<std::string>& device_ids) {
    std::vector<RenewalRow> out;
    for (const auto& id : device_ids)
        for (auto& r : select_renewals(db, "WHERE device_id = $1 AND generation > 0", {id})) out.push_back(std::move(r));
    return out;
}

std::vector<std::string> inventory_due(Db& db, std::int64_t now, int limit) {
    std::vector<std::string> out;
    for (const auto& r : db.query("SELECT i.device_id FROM device_inventory i JOIN devices d ON d.id = i.device_id "
                                  "WHERE d.enrolled = 1 AND i.next_inventory_at <= $1 ORDER BY i.next_inventory_at "
                                  "LIMIT " + std::to_string(limit),
                                  {now}))
        out.push_back(r.text(0));
    return out;
}

std::vector<std::string> enrolled_without_inventory(Db& db, int limit) {
    std::vector<std::string> out;
    for (const auto& r : db.query("SELECT d.id FROM devices d WHERE d.enrolled = 1 AND NOT EXISTS "
                                  "(SELECT 1 FROM device_inventory i WHERE i.device_id = d.id) ORDER BY d.id LIMIT " +
                                  std::to_string(limit)))
        out.push_back(r.text(0));
    return out;
}

void schedule_inventory(Db& db, const std::string& device_id, std::int64_t next, std::optional<std::int64_t> requested) {
    db.query("INSERT INTO device_inventory (device_id, next_inventory_at, requested_at) VALUES ($1, $2, $3) "
             "ON CONFLICT (device_id) DO UPDATE SET next_inventory_at = excluded.next_inventory_at, "
             "requested_at = COALESCE(excluded.requested_at, device_inventory.requested_at)",
             {device_id, next, value(requested)});
}

bool claim_due_inventory(Db& db, const std::string& device_id, std::int64_t now, std::int64_t next) {
    return !db.query("UPDATE device_inventory SET next_inventory_at = $3 WHERE device_id = $1 AND "
                     "next_inventory_at <= $2 RETURNING device_id",
                     {device_id, now, next})
                .empty();
}

void note_inventory_answer(Db& db, const std::string& device_id, const char* kind, std::int64_t at) {
    const std::string column = std::string(kind) == "information" ? "information_at"
                               : std::string(kind) == "profiles" ? "profiles_at"
                                                                 : "certificates_at";
    db.query("UPDATE device_inventory SET " + column + " = $2 WHERE device_id = $1", {device_id, at});
}

}  // namespace acmepolicy::server
