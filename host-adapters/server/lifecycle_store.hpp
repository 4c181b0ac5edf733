// The store's part of a certificate's life (migration 8): each device's certificates as its last
// CertificateList answer listed them, when its inventory is next asked for, and per device and policy the
// renewal state. Free functions over the caller's transaction; every time is Unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/db.hpp"

namespace acmepolicy::server {

/// One certificate a device reported, with the policy the core matched it to ("" for none).
struct StoredCertificate {
    std::string device_id, sha256, common_name, subject, issuer, serial, key_type, policy_id, reported_at;
    std::string data;  // the DER, base64 (the CertificateList entry's Data), for the inventory export
    std::int64_t not_before = 0, not_after = 0, key_bits = 0;
    bool is_identity = false;
};

/// Replaces the device's certificates with those of its latest answer.
void replace_device_certificates(Db& db, const std::string& device_id, const std::vector<StoredCertificate>& certs);
/// The device's certificates, soonest expiry first.
std::vector<StoredCertificate> device_certificates(Db& db, const std::string& device_id);

/// Per device and policy: the certificate matched last, the renewal generation (mixed into the profile's
/// PayloadUUIDs, see RenderOptions::renewal) and how the current renewal goes.
struct RenewalRow {
    std::string device_id, policy_id;
    std::int64_t generation = 0;
    std::string state;   // "" | renewing | renewed | renewal_failed
    std::string reason;  // why renewal_failed
    std::string cert_sha256, cert_serial;          // the matched certificate ("" when none)
    std::optional<std::int64_t> cert_not_before, cert_not_after;
    std::optional<std::int64_t> renew_at;          // the core's decision: when the profile is sent again
    std::optional<std::int64_t> last_renewal_at;   // when the profile was last sent again (or that failed)
    std::optional<std::int64_t> started_at;        // of the renewal in progress
    std::string old_sha256;                        // the certificate being renewed away
    std::optional<std::int64_t> renewed_not_after, renewed_at;
    bool has_certificate() const { return !cert_sha256.empty() && cert_not_after.has_value(); }
};

std::optional<RenewalRow> renewal_of(Db& db, const std::string& device_id, const std::string& policy_id);
std::vector<RenewalRow> renewals_of_device(Db& db, const std::string& device_id);
std::vector<RenewalRow> all_renewals(Db& db);
void save_renewal(Db& db, const RenewalRow& row);
/// Rows whose renew_at has come (not renewing), and rows renewing since before `started_before`.
std::vector<RenewalRow> renewals_due(Db& db, std::int64_t now, int limit);
std::vector<RenewalRow> renewals_timed_out(Db& db, std::int64_t started_before, int limit);
/// Takes a due renewal for this instance: clears its renew_at if it is still `renew_at`. False when another
/// instance took it first (several instances share one PostgreSQL database).
bool claim_due_renewal(Db& db, const std::string& device_id, const std::string& policy_id, std::int64_t renew_at);
/// The renewal generation of every (device, policy) of these devices that has one above 0.
std::vector<RenewalRow> renewal_generations(Db& db, const std::vector<std::string>& device_ids);

/// Inventory schedule: enrolled devices whose next inventory is due, and those that have no schedule yet.
std::vector<std::string> inventory_due(Db& db, std::int64_t now, int limit);
std::vector<std::string> enrolled_without_inventory(Db& db, int limit);
void schedule_inventory(Db& db, const std::string& device_id, std::int64_t next, std::optional<std::int64_t> requested);
/// Takes a due inventory for this instance by moving its next time to `next`; false when it was not due any
/// more (another instance took it).
bool claim_due_inventory(Db& db, const std::string& device_id, std::int64_t now, std::int64_t next);
/// Records that an answer of `kind` ("information", "profiles", "certificates") arrived.
void note_inventory_answer(Db& db, const std::string& device_id, const char* kind, std::int64_t at);

}  // namespace acmepolicy::server
