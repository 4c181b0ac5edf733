// SQL of the audit log and the policy versions (see store_audit.hpp).
#include "server/store_audit.hpp"

namespace acmepolicy::server {

namespace {

SqlValue opt_text(const std::optional<std::string>& v) {
    if (v) return *v;
    return nullptr;
}

std::optional<std::string> text_or_none(const Row& r, std::size_t i) {
    if (r.is_null(i)) return std::nullopt;
    return r.text(i);
}

PolicyVersionRow to_version(const Row& r) {
    PolicyVersionRow v;
    v.policy_id = r.text(0);
    v.version = r.integer(1);
    v.name = r.text(2);
    v.document = r.text(3);
    v.saved_at = r.text(4);
    v.actor_name = r.text(5);
    v.actor_scope = r.text(6);
    if (!r.is_null(7)) v.restored_from = r.integer(7);
    return v;
}

const char* kVersionColumns = "policy_id, version, name, document, saved_at, actor_name, actor_scope, restored_from";

// Built one by one: GCC 12 warns (falsely) about a braced list of mixed SqlValue alternatives here.
std::vector<SqlValue> params_of(const AuditRow& row) {
    std::vector<SqlValue> p;
    for (const std::string* text : {&row.at, &row.actor_name, &row.actor_scope, &row.action, &row.method, &row.path,
                                    &row.target_type, &row.target_id})
        p.emplace_back(*text);
    p.emplace_back(row.status);
    p.push_back(opt_text(row.before));
    p.push_back(opt_text(row.after));
    p.emplace_back(row.request_id);
    return p;
}

}  // namespace

void insert_audit(Db& db, const AuditRow& row) {
    db.query("INSERT INTO audit_log (at, actor_name, actor_scope, action, method, path, target_type, target_id, "
             "status, before_json, after_json, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
             params_of(row));
}

std::vector<AuditRow> audit_rows(Db& db, const AuditFilter& f) {
    std::string sql =
        "SELECT id, at, actor_name, actor_scope, action, method, path, target_type, target_id, status, "
        "before_json, after_json, request_id FROM audit_log WHERE 1 = 1";
    std::vector<SqlValue> params;
    auto add = [&](const std::string& value, const std::string& condition) {
        if (value.empty()) return;
        params.push_back(value);
        sql += " AND " + condition + " $" + std::to_string(params.size());
    };
    add(f.actor, "actor_name =");
    add(f.scope, "actor_scope =");
    add(f.action, "action =");
    add(f.target_type, "target_type =");
    add(f.target_id, "target_id =");
    add(f.since, "at >=");
    add(f.until, "at <=");
    if (f.before_id > 0) {
        params.push_back(f.before_id);
        sql += " AND id < $" + std::to_string(params.size());
    }
    params.push_back(static_cast<std::int64_t>(f.limit));
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
    std::vector<AuditRow> out;
    for (const auto& r : db.query(sql, params)) {
        AuditRow a;
        a.id = r.integer(0);
        a.at = r.text(1);
        a.actor_name = r.text(2);
        a.actor_scope = r.text(3);
        a.action = r.text(4);
        a.method = r.text(5);
        a.path = r.text(6);
        a.target_type = r.text(7);
        a.target_id = r.text(8);
        a.status = r.integer(9);
        a.before = text_or_none(r, 10);
        a.after = text_or_none(r, 11);
        a.request_id = r.text(12);
        out.push_back(std::move(a));
    }
    return out;
}

void insert_policy_version(Db& db, const PolicyVersionRow& v) {
    db.query("DELETE FROM policy_versions WHERE policy_id = $1 AND version = $2", {v.policy_id, v.version});
    std::vector<SqlValue> p;
    p.emplace_back(v.policy_id);
    p.emplace_back(v.version);
    for (const std::string* text : {&v.name, &v.document, &v.saved_at, &v.actor_name, &v.actor_scope})
        p.emplace_back(*text);
    if (v.restored_from) p.emplace_back(*v.restored_from);
    else p.emplace_back(nullptr);
    db.query(std::string("INSERT INTO policy_versions (") + kVersionColumns +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             p);
}

std::vector<PolicyVersionRow> policy_versions(Db& db, const std::string& policy_id) {
    std::vector<PolicyVersionRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kVersionColumns +
                                      " FROM policy_versions WHERE policy_id = $1 ORDER BY version DESC",
                                  {policy_id}))
        out.push_back(to_version(r));
    return out;
}

std::optional<PolicyVersionRow> policy_version(Db& db, const std::string& policy_id, std::int64_t version) {
    auto rows = db.query(std::string("SELECT ") + kVersionColumns +
                             " FROM policy_versions WHERE policy_id = $1 AND version = $2",
                         {policy_id, version});
    if (rows.empty()) return std::nullopt;
    return to_version(rows[0]);
}

void delete_policy_versions(Db& db, const std::string& policy_id) {
    db.query("DELETE FROM policy_versions WHERE policy_id = $1", {policy_id});
}

}  // namespace acmepolicy::server
