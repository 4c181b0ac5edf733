// /api/v1/policies: create, read, update, delete, assignments and the rendered profile. Every write is judged by the core and stored in one transaction with the reconciliation of the devices it affects.
#include "server/rest_api.hpp"

#include <cctype>
#include <set>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/render.hpp"
#include "server/log.hpp"
#include "server/device_query.hpp"
#include "server/outbox.hpp"
#include "server/request_context.hpp"
#include "server/rest_audit.hpp"
#include "server/rest_certificates.hpp"
#include "server/rest_outbox.hpp"
#include "server/store_audit.hpp"
#include "server/rest_support.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;
using namespace rest;

json policy_json(const PolicyRow& row) {
    json doc = json::parse(row.document, nullptr, false);
    return {{"id", row.id}, {"name", row.name}, {"version", row.version}, {"updated_at", row.updated_at},
            {"document", doc},
            {"accepted_at", row.accepted_unix > 0 ? format_rfc3339(row.accepted_unix) : row.updated_at},
            {"accepted_core_version", row.accepted_core_version}};
}

/// The policy as listed and read: its document and, from today's check under the freeze rule, its state
/// ("ok" or "needs_attention") and the findings that need attention.
json stored_policy_json(ServerContext& ctx, const PolicyRow& row) {
    json out = policy_json(row);
    StoredPolicy stored = ctx.engine->check_stored(row);
    out["state"] = stored.needs_attention ? "needs_attention" : "ok";
    out["attention"] = stored.attention;
    return out;
}

/// counts per policy id (targeted/included/excluded from the core's resolution, installed/pending/failed
/// from the assignment state), so the list and the assignment view always agree.
std::map<std::string, json> policy_counts(ServerContext& ctx, Db& db) { return ctx.engine->policy_counts(db); }

json counts_for(std::map<std::string, json>& counts, const std::string& id) {
    auto it = counts.find(id);
    if (it != counts.end()) return it->second;
    return {{"targeted", 0}, {"included", 0}, {"excluded", 0}, {"installed", 0}, {"pending", 0}, {"failed", 0}};
}

/// Validates a policy document with the core; answers 422 and returns nullopt when it has errors.
std::optional<PolicyCheck> checked_policy(ServerContext& ctx, const json& doc, httplib::Response& res) {
    PolicyCheck check = ctx.engine->check(doc.dump());
    if (!check.report.valid() || !check.policy) {
        send_error(res, 422, "policy.invalid", "The policy has errors; see diagnostics for what to fix.",
                   diagnostics_json(check.report, true));
        return std::nullopt;
    }
    return check;
}

void write_policy(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string* url_id) {
    auto body = parse_body(req, res);
    if (!body) return;
    if (!body->is_object()) {
        // The core says what is wrong with it, in the words every other host uses (document.not_object).
        checked_policy(ctx, *body, res);
        return;
    }
    if (url_id && body->contains("id") && (*body)["id"] != *url_id) {
        send_error(res, 409, "policy.id_conflict",
                   "The document's id differs from the id in the URL; ids cannot change. Create a new policy instead.");
        return;
    }
    if (url_id && !body->contains("id")) (*body)["id"] = *url_id;
    auto check = checked_policy(ctx, *body, res);
    if (!check) return;
    const Policy& policy = *check->policy;
    // Pin the id so renaming the policy later keeps its identity (and its profiles' PayloadIdentifier).
    if (!body->contains("id")) (*body)["id"] = policy.id;
    int queued = 0;
    std::optional<json> reply;
    int status = 200;
    ctx.store->transaction([&](Db& db) {
        Store& store = *ctx.store;
        auto existing = store.policy(db, policy.id);
        if (!url_id && existing) {
            send_error(res, 409, "policy.id_conflict", "A policy with id \"" + policy.id + "\" exists; choose another id or PUT to update it.");
            return;
        }
        if (url_id && !existing) {
            send_error(res, 404, "policy.not_found", "No policy has id \"" + *url_id + "\".");
            return;
        }
        if (auto other = store.policy_with_name(db, policy.name, policy.id)) {
            send_error(res, 409, "policy.name_conflict",
                       "Policy \"" + *other + "\" already has the name \"" + policy.name + "\" (names are compared ignoring case); choose another name.");
            return;
        }
        std::set<std::string> affected;
        if (existing) {
            for (auto& d : ctx.engine->devices_of_policy(db, existing->document, policy.id)) affected.insert(d);
        }
        PolicyRow row{policy.id, policy.name, body->dump(), now_rfc3339(), existing ? existing->version + 1 : 1,
                      static_cast<std::int64_t>(now_seconds()), ctx.version};
        if (existing) store.update_policy(db, row);
        else store.insert_policy(db, row);
        keep_policy_version(db, row, existing ? &existing->document : nullptr);
        for (auto& d : ctx.engine->devices_of_policy(db, row.document, policy.id)) affected.insert(d);
        reconcile_and_wake(ctx, db, {affected.begin(), affected.end()}, queued);
        reply = stored_policy_json(ctx, row);
        (*reply)["diagnostics"] = diagnostics_json(check->report, false);
        status = existing ? 200 : 201;
    });
    if (!reply) return;
    if (queued) wake_outbox(ctx);
    send_json(res, status, *reply);
}

}  // namespace

void put_policy(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string& id) {
    write_policy(ctx, req, res, &id);
}

void rest::add_policy_routes(Router& r, ServerContext& ctx) {
    const std::string id = "([^/]+)";
    r.add("GET", "/api/v1/policies", [&ctx](auto&, auto& res, auto&) {
        json list = json::array();
        ctx.store->read_transaction([&](Db& db) {
            auto counts = policy_counts(ctx, db);
            for (const auto& row : ctx.store->policies(db)) {
                json p = stored_policy_json(ctx, row);
                p["counts"] = counts_for(counts, row.id);
                list.push_back(std::move(p));
            }
        });
        send_json(res, 200, {{"policies", list}});
    });
    r.add("POST", "/api/v1/policies", [&ctx](auto& req, auto& res, auto&) { write_policy(ctx, req, res, nullptr); });
    r.add("GET", "/api/v1/policies/" + id, [&ctx](auto&, auto& res, const Params& p) {
        std::optional<json> out;
        ctx.store->read_transaction([&](Db& db) {
            if (auto row = ctx.store->policy(db, p[0])) {
                out = stored_policy_json(ctx, *row);
                auto counts = policy_counts(ctx, db);
                (*out)["counts"] = counts_for(counts, row->id);
            }
        });
        if (!out) return send_error(res, 404, "policy.not_found", "No policy has id \"" + p[0] + "\".");
        send_json(res, 200, *out);
    });
    r.add("PUT", "/api/v1/policies/" + id, [&ctx](auto& req, auto& res, const Params& p) { write_policy(ctx, req, res, &p[0]); });
    r.add("DELETE", "/api/v1/policies/" + id, [&ctx](auto&, auto& res, const Params& p) {
        bool found = false;
        int queued = 0;
        ctx.store->transaction([&](Db& db) {
            auto row = ctx.store->policy(db, p[0]);
            if (!row) return;
            auto affected = ctx.engine->devices_of_policy(db, row->document, row->id);
            found = ctx.store->delete_policy(db, p[0]);
            delete_policy_versions(db, p[0]);
            current_change().before = json::parse(row->document, nullptr, false);
            reconcile_and_wake(ctx, db, affected, queued);
        });
        if (!found) return send_error(res, 404, "policy.not_found", "No policy has id \"" + p[0] + "\".");
        if (queued) wake_outbox(ctx);
        res.status = 204;
    });
    r.add("GET", "/api/v1/policies/" + id + "/assignments", [&ctx](auto&, auto& res, const Params& p) {
        std::optional<json> out;
        ctx.store->read_transaction([&](Db& db) {
            if (!ctx.store->policy(db, p[0])) return;
            json resolution = ctx.engine->resolution(db);
            for (auto& entry : resolution["policies"])
                if (entry.value("id", "") == p[0]) out = std::move(entry);
            if (!out) return;
            json counts = Engine::counts_of(*out);
            for (auto& item : counts.items()) (*out)["counts"][item.key()] = item.value();
        });
        if (!out) return send_error(res, 404, "policy.not_found", "No policy has id \"" + p[0] + "\".");
        send_json(res, 200, *out);
    });
    r.add("GET", "/api/v1/policies/" + id + "/profile", [&ctx](auto& req, auto& res, const Params& p) {
        std::string device = req.get_param_value("device");
        std::string format_name = req.has_param("format") ? req.get_param_value("format") : "mobileconfig";
        if (device.empty())
            return send_error(res, 400, "request.device_missing", "Name the device: ?device=ID.");
        if (format_name != "mobileconfig" && format_name != "ddm")
            return send_error(res, 400, "request.format_invalid", "format must be mobileconfig or ddm.");
        auto format = *parse_render_format(format_name);
        std::optional<RenderResult> rendered;
        ctx.store->read_transaction([&](Db& db) { rendered = ctx.engine->render_for(db, p[0], device, format); });
        if (!rendered)
            return send_error(res, 404, "profile.not_found", "No policy \"" + p[0] + "\" or no device \"" + device + "\" (or the stored policy is no longer valid).");
        if (!rendered->ok())
            return send_error(res, 422, "render.failed", "The profile cannot be rendered for this device; see diagnostics.",
                              diagnostics_json(rendered->report, true));
        res.status = 200;
        res.set_header("Content-Disposition",
                       attachment_header(p[0] + "-" + device + (format_name == "ddm" ? ".json" : ".mobileconfig")));
        res.set_content(rendered->bytes, format_name == "ddm" ? "application/json" : "application/x-apple-aspen-config");
    });
}

}  // namespace acmepolicy::server
