// The store: devices, identity conflicts and groups.
#include "server/store.hpp"

#include "server/log.hpp"
#include "server/store_rows.hpp"

namespace acmepolicy::server {

using namespace store_rows;

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

std::vector<DeviceRow> Store::devices_with_ids(Db& db, const std::vector<std::string>& ids) {
    std::vector<DeviceRow> out;
    if (ids.empty()) return out;
    std::string sql = "SELECT id, record, mdm_id, enrolled, updated_at FROM devices WHERE id IN (";
    std::vector<SqlValue> params;
    for (const auto& id : ids) {
        sql += (params.empty() ? "$" : ", $") + std::to_string(params.size() + 1);
        params.emplace_back(id);
    }
    for (const auto& r : db.query(sql + ")", params)) out.push_back(to_device(r));
    return out;
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

std::vector<std::array<std::string, 3>> Store::memberships_of(Db& db, const std::vector<std::string>& ids) {
    std::vector<std::array<std::string, 3>> out;
    if (ids.empty()) return out;
    std::string sql = "SELECT m.device_id, g.id, g.name FROM group_members m JOIN device_groups g ON g.id = m.group_id "
                      "WHERE m.device_id IN (";
    std::vector<SqlValue> params;
    for (const auto& id : ids) {
        sql += (params.empty() ? "$" : ", $") + std::to_string(params.size() + 1);
        params.emplace_back(id);
    }
    for (const auto& r : db.query(sql + ") ORDER BY g.id, m.device_id", params)) out.push_back({r.text(0), r.text(1), r.text(2)});
    return out;
}

}  // namespace acmepolicy::server
