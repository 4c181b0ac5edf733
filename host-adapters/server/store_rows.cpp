// Row converters shared by the store's per-table files.
#include "server/store_rows.hpp"

#include <algorithm>
#include <cctype>

namespace acmepolicy::server::store_rows {

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

namespace {
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

}  // namespace

// The assignments matching `where` (the SQL after "FROM assignments": WHERE and/or ORDER BY).
std::vector<AssignmentRow> select_assignments(Db& db, const std::string& where, const std::vector<SqlValue>& params) {
    std::vector<AssignmentRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kAssignmentColumns + " FROM assignments " + where, params))
        out.push_back(to_assignment(r));
    return out;
}

const char* const kCommandColumns =
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

}  // namespace acmepolicy::server::store_rows
