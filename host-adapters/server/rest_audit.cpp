// The audit log, whoami and policy versions (see rest_audit.hpp).
#include "server/rest_audit.hpp"

#include "server/log.hpp"
#include "server/request_context.hpp"
#include "server/rest_api.hpp"
#include "server/store_audit.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

json parsed_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    json value = json::parse(*text, nullptr, false);
    return value.is_discarded() ? json(*text) : value;
}

json audit_json(const AuditRow& a) {
    return {{"id", a.id}, {"at", a.at}, {"actor", {{"name", a.actor_name}, {"scope", a.actor_scope}}},
            {"action", a.action}, {"method", a.method}, {"path", a.path},
            {"target", {{"type", a.target_type}, {"id", a.target_id}}}, {"status", a.status},
            {"before", parsed_or_null(a.before)}, {"after", parsed_or_null(a.after)}, {"request_id", a.request_id}};
}

json version_json(const PolicyVersionRow& v, std::int64_t current) {
    return {{"version", v.version}, {"name", v.name}, {"saved_at", v.saved_at},
            {"by", {{"name", v.actor_name}, {"scope", v.actor_scope}}},
            {"restored_from", v.restored_from ? json(*v.restored_from) : json(nullptr)},
            {"current", v.version == current}, {"document", parsed_or_null(v.document)}};
}

/// "policies" → "policy": the type of the thing a collection holds.
std::string singular(const std::string& collection) {
    if (collection == "policies") return "policy";
    if (collection == "identity-conflicts") return "identity_conflict";
    if (collection == "client-tokens") return "client_token";
    if (!collection.empty() && collection.back() == 's') return collection.substr(0, collection.size() - 1);
    return collection;
}

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash > start) out.push_back(httplib::detail::decode_url(path.substr(start, slash - start), false));
        start = slash + 1;
    }
    return out;
}

/// A whole number in [1, max] or nullopt.
std::optional<std::int64_t> whole_number(const std::string& text, std::int64_t max) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    std::int64_t value = std::stoll(text);
    if (value < 1 || value > max) return std::nullopt;
    return value;
}

}  // namespace

void keep_policy_version(Db& db, const PolicyRow& row, const std::string* before_document) {
    const Caller& caller = current_caller();
    ChangeNote& note = current_change();
    insert_policy_version(db, {row.id, row.version, row.name, row.document, row.updated_at, caller.name,
                               caller.scope, note.restored_from});
    note.target_type = "policy";
    note.target_id = row.id;
    note.before = before_document ? json::parse(*before_document, nullptr, false) : json(nullptr);
    note.after = json::parse(row.document, nullptr, false);
}

void record_rest_write(ServerContext& ctx, const httplib::Request& req, const httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return;
    if (res.status < 200 || res.status >= 300) return;
    const std::string path = raw_path(req);
    const std::string prefix = "/api/v1/";
    if (path.rfind(prefix, 0) != 0 || path == "/api/v1/client-tokens/verify") return;  // a check, not a write
    try {
        auto seg = segments(path.substr(prefix.size()));
        if (seg.empty()) return;
        const ChangeNote& note = current_change();
        AuditRow row;
        row.at = now_rfc3339();
        row.actor_name = current_caller().name;
        row.actor_scope = current_caller().scope;
        row.method = req.method;
        row.path = path;
        row.status = res.status;
        row.target_type = note.target_type.empty() ? singular(seg[0]) : note.target_type;
        row.target_id = note.target_id;
        if (row.target_id.empty() && seg.size() >= 2) row.target_id = seg[1];
        if (row.target_id.empty()) {
            json body = json::parse(res.body, nullptr, false);
            if (body.is_object() && body.contains("id") && body["id"].is_string()) row.target_id = body["id"];
        }
        std::string verb;
        if (seg.size() >= 3) verb = seg.back();
        else if (req.method == "POST") verb = "create";
        else if (req.method == "PUT") verb = res.status == 201 ? "create" : "update";
        else if (req.method == "DELETE") verb = "delete";
        else verb = req.method;
        row.action = singular(seg[0]) + "." + verb;
        if (note.before && !note.before->is_null()) row.before = note.before->dump();
        if (note.after && !note.after->is_null()) row.after = note.after->dump();
        row.request_id = res.get_header_value("X-Request-Id");
        ctx.store->transaction([&](Db& db) { insert_audit(db, row); });
    } catch (const std::exception& e) {
        log_error("audit entry not recorded", {{"path", path}, {"method", req.method}, {"error", e.what()}});
    }
}

void add_audit_routes(Router& r, ServerContext& ctx) {
    r.add("GET", "/api/v1/whoami", [](const httplib::Request&, httplib::Response& res, const Params&) {
        const Caller& c = current_caller();
        send_json(res, 200, {{"name", c.name}, {"scope", c.scope},
                             {"token_id", c.token_id.empty() ? json(nullptr) : json(c.token_id)}});
    });

    r.add("GET", "/api/v1/audit", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        AuditFilter f;
        f.actor = req.get_param_value("actor");
        f.scope = req.get_param_value("scope");
        f.action = req.get_param_value("action");
        f.target_type = req.get_param_value("target_type");
        f.target_id = req.get_param_value("target");
        f.since = req.get_param_value("since");
        f.until = req.get_param_value("until");
        if (req.has_param("limit")) {
            auto limit = whole_number(req.get_param_value("limit"), 1000);
            if (!limit) return send_error(res, 400, "request.limit_invalid", "limit must be a whole number from 1 to 1000.");
            f.limit = static_cast<int>(*limit);
        }
        if (req.has_param("before")) {
            auto before = whole_number(req.get_param_value("before"), INT64_MAX);
            if (!before) return send_error(res, 400, "request.before_invalid", "before must be an audit entry id.");
            f.before_id = *before;
        }
        json list = json::array();
        std::int64_t last = 0;
        std::size_t count = 0;
        ctx.store->read_transaction([&](Db& db) {
            auto rows = audit_rows(db, f);
            count = rows.size();
            for (const auto& a : rows) {
                list.push_back(audit_json(a));
                last = a.id;
            }
        });
        const bool more = count == static_cast<std::size_t>(f.limit);
        send_json(res, 200, {{"entries", list}, {"next_before", more ? json(last) : json(nullptr)}});
    });

    r.add("GET", "/api/v1/policies/([^/]+)/versions",
          [&ctx](const httplib::Request&, httplib::Response& res, const Params& p) {
              std::optional<json> out;
              ctx.store->read_transaction([&](Db& db) {
                  auto policy = ctx.store->policy(db, p[0]);
                  if (!policy) return;
                  json list = json::array();
                  for (const auto& v : policy_versions(db, p[0])) list.push_back(version_json(v, policy->version));
                  out = json{{"policy", p[0]}, {"current", policy->version}, {"versions", list}};
              });
              if (!out) return send_error(res, 404, "policy.not_found", "No policy has id \"" + p[0] + "\".");
              send_json(res, 200, *out);
          });

    r.add("POST", "/api/v1/policies/([^/]+)/versions/([^/]+)/restore",
          [&ctx](const httplib::Request& req, httplib::Response& res, const Params& p) {
              auto n = whole_number(p[1], INT64_MAX);
              std::optional<PolicyVersionRow> version;
              bool policy_found = false;
              if (n)
                  ctx.store->read_transaction([&](Db& db) {
                      policy_found = ctx.store->policy(db, p[0]).has_value();
                      if (policy_found) version = policy_version(db, p[0], *n);
                  });
              if (!policy_found && n) return send_error(res, 404, "policy.not_found", "No policy has id \"" + p[0] + "\".");
              if (!version)
                  return send_error(res, 404, "policy.version_not_found",
                                    "Policy \"" + p[0] + "\" has no version " + p[1] + " (GET its versions to see them).");
              // The old document goes through the same checks as any edit: today's core must accept it.
              httplib::Request put = req;
              put.body = version->document;
              current_change().restored_from = version->version;
              put_policy(ctx, put, res, p[0]);
          });
}

}  // namespace acmepolicy::server
