// /api/v1 handlers: each reads JSON, lets the core judge it, and stores it in one transaction together with
// the reconciliation of the devices the change affects.
#include "server/rest_api.hpp"

#include <cctype>
#include <set>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/render.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/device_query.hpp"
#include "server/outbox.hpp"
#include "server/request_context.hpp"
#include "server/rest_audit.hpp"
#include "server/rest_certificates.hpp"
#include "server/rest_outbox.hpp"
#include "server/store_audit.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

json diagnostics_json(const Report& report, bool errors_too) {
    json out = json::array();
    for (const auto& d : report.diagnostics())
        if (errors_too || d.severity != Severity::error) out.push_back(to_json(d));
    return out;
}

std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res) {
    JsonBody body = read_json_body(req.body);
    if (!body.value) {
        send_error(res, 400, "request.invalid_json", body.message, body.diagnostics);
        return std::nullopt;
    }
    return std::move(body.value);
}

/// An RFC 6266 Content-Disposition for a download named from ids: a plain ASCII fallback (anything but
/// letters, digits, '.', '-' and '_' becomes '_') and the exact name percent-encoded in filename*.
std::string attachment_header(const std::string& name) {
    static const char* hex = "0123456789ABCDEF";
    std::string plain, encoded;
    for (unsigned char c : name) {
        const bool safe = std::isalnum(c) || c == '.' || c == '-' || c == '_';
        plain += safe ? static_cast<char>(c) : '_';
        if (safe) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

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

void reconcile_and_wake(ServerContext& ctx, Db& db, const std::vector<std::string>& devices, int& queued) {
    queued += reconcile_devices(ctx, db, devices);
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
            auto old_doc = json::parse(existing->document, nullptr, false);
            for (auto& d : ctx.engine->devices_of_policy(db, old_doc, policy.id)) affected.insert(d);
        }
        PolicyRow row{policy.id, policy.name, body->dump(), now_rfc3339(), existing ? existing->version + 1 : 1,
                      static_cast<std::int64_t>(now_seconds()), ctx.version};
        if (existing) store.update_policy(db, row);
        else store.insert_policy(db, row);
        keep_policy_version(db, row, existing ? &existing->document : nullptr);
        for (auto& d : ctx.engine->devices_of_policy(db, *body, policy.id)) affected.insert(d);
        reconcile_and_wake(ctx, db, {affected.begin(), affected.end()}, queued);
        reply = stored_policy_json(ctx, row);
        (*reply)["diagnostics"] = diagnostics_json(check->report, false);
        status = existing ? 200 : 201;
    });
    if (!reply) return;
    if (queued) wake_outbox(ctx);
    send_json(res, status, *reply);
}

std::optional<DeviceRecord> checked_device(const json& body, httplib::Response& res) {
    Report report;
    auto record = read_device(body, "", report);
    if (!record || !report.valid()) {
        send_error(res, 422, "device.invalid", "The device record has errors; see diagnostics.", diagnostics_json(report, true));
        return std::nullopt;
    }
    return record;
}

void write_device(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string* url_id) {
    auto body = parse_body(req, res);
    if (!body) return;
    if (url_id && body->is_object() && !body->contains("id")) (*body)["id"] = *url_id;
    auto record = checked_device(*body, res);
    if (!record) return;
    if (url_id && record->id != *url_id) {
        send_error(res, 409, "device.id_conflict", "The record's id differs from the id in the URL.");
        return;
    }
    int queued = 0;
    bool done = false;
    int status = 200;
    ctx.store->transaction([&](Db& db) {
        auto existing = ctx.store->device(db, record->id);
        if (!url_id && existing) {
            send_error(res, 409, "device.id_conflict", "A device with id \"" + record->id + "\" exists; PUT to update it.");
            return;
        }
        if (url_id && !existing) {
            send_error(res, 404, "device.not_found", "No device has id \"" + *url_id + "\".");
            return;
        }
        DeviceRow row;
        row.id = record->id;
        row.record = to_json(*record).dump();
        row.mdm_id = existing ? existing->mdm_id : record->udid.value_or(record->id);
        row.enrolled = existing ? existing->enrolled : false;
        row.updated_at = now_rfc3339();
        ctx.store->upsert_device(db, row, record->udid.value_or(""), record->serial_number.value_or(""));
        reconcile_and_wake(ctx, db, {row.id}, queued);
        status = existing ? 200 : 201;
        done = true;
    });
    if (!done) return;
    if (queued) wake_outbox(ctx);
    send_json(res, status, to_json(*record));
}

json conflict_json(const IdentityConflict& c) {
    return {{"id", c.id}, {"device", c.device_id}, {"enrollment", c.enrollment_id}, {"matched_on", c.matched_on},
            {"value", c.value}, {"detected_at", c.detected_at}};
}

json group_json(const GroupRow& g) { return {{"id", g.id}, {"name", g.name}, {"devices", g.devices}}; }

bool read_device_ids(const json& body, std::vector<std::string>& out, httplib::Response& res) {
    auto it = body.find("devices");
    if (it == body.end()) return true;
    bool ok = it->is_array();
    if (ok)
        for (const auto& d : *it) {
            if (!d.is_string() || d.get<std::string>().empty()) ok = false;
            else out.push_back(d.get<std::string>());
        }
    if (!ok)
        send_error(res, 422, "group.invalid", "\"devices\" must be an array of device id strings.",
                   json::array({{{"severity", "error"}, {"code", "group.devices_type"}, {"path", "/devices"},
                                 {"message", "\"devices\" must be an array of device id strings."}}}));
    return ok;
}

void write_group(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string* url_id,
                 bool members_only) {
    auto body = parse_body(req, res);
    if (!body) return;
    if (!body->is_object()) {
        send_error(res, 422, "group.invalid", "The group must be a JSON object {\"id\", \"name\", \"devices\"}.");
        return;
    }
    if (body->contains("id") && !(*body)["id"].is_string()) {
        send_error(res, url_id ? 409 : 422, url_id ? "group.id_conflict" : "group.invalid",
                   "\"id\" must be a non-empty string (and match the URL).",
                   json::array({{{"severity", "error"}, {"code", "group.id_type"}, {"path", "/id"},
                                 {"message", "\"id\" must be a string."}}}));
        return;
    }
    std::string id = url_id ? *url_id : body->value("id", "");
    if (!members_only) {
        for (auto it = body->begin(); it != body->end(); ++it) {
            if (it.key() != "id" && it.key() != "name" && it.key() != "devices") {
                send_error(res, 422, "group.invalid", "Unknown key \"" + it.key() + "\"; a group has id, name and devices.",
                           json::array({{{"severity", "error"}, {"code", "group.unknown_key"}, {"path", "/" + it.key()},
                                         {"message", "Remove the unknown key \"" + it.key() + "\"."}}}));
                return;
            }
        }
        if (body->contains("id") && (!(*body)["id"].is_string() || (*body)["id"] != id)) {
            send_error(res, url_id ? 409 : 422, url_id ? "group.id_conflict" : "group.invalid",
                       "\"id\" must be a non-empty string (and match the URL).");
            return;
        }
        if (id.empty()) {
            send_error(res, 422, "group.invalid", "A group needs a non-empty \"id\" string.",
                       json::array({{{"severity", "error"}, {"code", "group.id_missing"}, {"path", "/id"},
                                     {"message", "Give the group a non-empty \"id\" string."}}}));
            return;
        }
        if (body->contains("name") && !(*body)["name"].is_string()) {
            send_error(res, 422, "group.invalid", "\"name\" must be a string.");
            return;
        }
    }
    std::vector<std::string> members;
    if (!read_device_ids(*body, members, res)) return;
    const bool has_members = body->contains("devices");
    int queued = 0;
    std::optional<json> reply;
    int status = 200;
    ctx.store->transaction([&](Db& db) {
        Store& store = *ctx.store;
        auto existing = store.group(db, id);
        if (!url_id && existing) {
            send_error(res, 409, "group.id_conflict", "A group with id \"" + id + "\" exists; PUT to update it.");
            return;
        }
        if (url_id && !existing && members_only) {
            send_error(res, 404, "group.not_found", "No group has id \"" + id + "\".");
            return;
        }
        if (!members_only) store.upsert_group(db, id, body->value("name", existing ? existing->name : id));
        std::set<std::string> affected;
        if (existing) affected.insert(existing->devices.begin(), existing->devices.end());
        if (has_members || !existing) {
            store.set_members(db, id, members);
            affected.insert(members.begin(), members.end());
        }
        reconcile_and_wake(ctx, db, {affected.begin(), affected.end()}, queued);
        reply = group_json(*store.group(db, id));
        status = existing || url_id ? 200 : 201;
    });
    if (!reply) return;
    if (queued) wake_outbox(ctx);
    send_json(res, status, *reply);
}

}  // namespace

void put_policy(ServerContext& ctx, const httplib::Request& req, httplib::Response& res, const std::string& id) {
    write_policy(ctx, req, res, &id);
}

void add_rest_routes(Router& r, ServerContext& ctx) {
    const std::string id = "([^/]+)";
    r.add("GET", "/api/v1/health", [&ctx](auto&, auto& res, auto&) {
        send_json(res, 200, {{"status", "ok"}, {"version", ctx.version}});
    });

    // --- policies
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
            auto affected = ctx.engine->devices_of_policy(db, json::parse(row->document, nullptr, false), row->id);
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

    // --- devices
    r.add("GET", "/api/v1/devices", [&ctx](auto& req, auto& res, auto&) {
        if (device_query_requested(req)) return list_devices_page(ctx, req, res);
        json list = json::array();
        ctx.store->read_transaction([&](Db& db) {
            for (const auto& d : ctx.store->devices(db)) list.push_back(json::parse(d.record, nullptr, false));
        });
        send_json(res, 200, {{"devices", list}});
    });
    r.add("POST", "/api/v1/devices", [&ctx](auto& req, auto& res, auto&) { write_device(ctx, req, res, nullptr); });
    r.add("GET", "/api/v1/devices/" + id, [&ctx](auto&, auto& res, const Params& p) {
        std::optional<DeviceRow> row;
        ctx.store->read_transaction([&](Db& db) { row = ctx.store->device(db, p[0]); });
        if (!row) return send_error(res, 404, "device.not_found", "No device has id \"" + p[0] + "\".");
        send_json(res, 200, json::parse(row->record, nullptr, false));
    });
    r.add("PUT", "/api/v1/devices/" + id, [&ctx](auto& req, auto& res, const Params& p) { write_device(ctx, req, res, &p[0]); });
    r.add("DELETE", "/api/v1/devices/" + id, [&ctx](auto&, auto& res, const Params& p) {
        bool found = false;
        std::vector<std::string> holding;
        ctx.store->transaction([&](Db& db) {
            auto row = ctx.store->device(db, p[0]);
            if (!row) return;
            found = true;
            // An enrolled device keeps what it has installed when its record goes: refuse until its profiles
            // are removed (unassign its policies) or it checks out.
            if (row->enrolled)
                for (const auto& a : ctx.store->assignments_of_device(db, p[0]))
                    if (a.status == "installed" || a.status == "pending" || a.status == "removing" ||
                        (a.status == "failed" && !a.payload_uuid.empty()))
                        holding.push_back(a.policy_id);
            if (holding.empty()) ctx.store->delete_device(db, p[0]);
        });
        if (!found) return send_error(res, 404, "device.not_found", "No device has id \"" + p[0] + "\".");
        if (!holding.empty()) {
            std::string list;
            for (const auto& h : holding) list += (list.empty() ? "" : ", ") + h;
            return send_error(res, 409, "device.enrolled",
                              "Device \"" + p[0] + "\" is enrolled and has (or is getting) the profiles of " + list +
                                  "; deleting its record would leave them installed. Unassign those policies (remove "
                                  "the device from their groups and targets) and wait for the removal, or let the "
                                  "device check out, then delete it.");
        }
        res.status = 204;
    });
    r.add("GET", "/api/v1/identity-conflicts", [&ctx](auto&, auto& res, auto&) {
        json list = json::array();
        ctx.store->read_transaction([&](Db& db) {
            for (const auto& c : ctx.store->identity_conflicts(db)) list.push_back(conflict_json(c));
        });
        send_json(res, 200, {{"conflicts", list}});
    });
    r.add("DELETE", "/api/v1/identity-conflicts/([0-9]{1,18})", [&ctx](auto&, auto& res, const Params& p) {
        bool found = false;
        ctx.store->transaction([&](Db& db) { found = ctx.store->dismiss_identity_conflict(db, std::stoll(p[0])); });
        if (!found) return send_error(res, 404, "conflict.not_found", "No identity conflict has id " + p[0] + ".");
        res.status = 204;
    });
    r.add("GET", "/api/v1/devices/" + id + "/status", [&ctx](auto&, auto& res, const Params& p) {
        std::optional<json> out;
        ctx.store->read_transaction([&](Db& db) {
            auto row = ctx.store->device(db, p[0]);
            if (!row) return;
            json list = json::array();
            for (const auto& a : ctx.store->assignments_of_device(db, p[0])) {
                json error = a.last_error.empty() ? json(nullptr) : json::parse(a.last_error, nullptr, false);
                json entry = {{"policy", a.policy_id}, {"status", a.status},
                              {"desired_version", a.desired_version ? json(*a.desired_version) : json(nullptr)},
                              {"installed_version", a.installed_version ? json(*a.installed_version) : json(nullptr)},
                              {"last_error", error}, {"last_command_uuid", a.last_command_uuid}};
                entry.update(delivery_json(*ctx.store, db, a));
                entry.update(certificate_status_json(db, a));
                list.push_back(std::move(entry));
            }
            json conflicts = json::array();
            for (const auto& c : ctx.store->identity_conflicts(db, p[0])) conflicts.push_back(conflict_json(c));
            out = json{{"device", p[0]}, {"enrolled", row->enrolled}, {"assignments", list},
                       {"identity_conflicts", conflicts},
                       {"included_via_fallback", ctx.engine->device_fallbacks(db, p[0])}};
        });
        if (!out) return send_error(res, 404, "device.not_found", "No device has id \"" + p[0] + "\".");
        send_json(res, 200, *out);
    });

    // --- groups
    r.add("GET", "/api/v1/groups", [&ctx](auto&, auto& res, auto&) {
        json list = json::array();
        ctx.store->read_transaction([&](Db& db) {
            for (const auto& g : ctx.store->groups(db)) list.push_back(group_json(g));
        });
        send_json(res, 200, {{"groups", list}});
    });
    r.add("POST", "/api/v1/groups", [&ctx](auto& req, auto& res, auto&) { write_group(ctx, req, res, nullptr, false); });
    r.add("GET", "/api/v1/groups/" + id, [&ctx](auto&, auto& res, const Params& p) {
        std::optional<GroupRow> g;
        ctx.store->read_transaction([&](Db& db) { g = ctx.store->group(db, p[0]); });
        if (!g) return send_error(res, 404, "group.not_found", "No group has id \"" + p[0] + "\".");
        send_json(res, 200, group_json(*g));
    });
    r.add("PUT", "/api/v1/groups/" + id, [&ctx](auto& req, auto& res, const Params& p) { write_group(ctx, req, res, &p[0], false); });
    r.add("PUT", "/api/v1/groups/" + id + "/members",
          [&ctx](auto& req, auto& res, const Params& p) { write_group(ctx, req, res, &p[0], true); });
    r.add("DELETE", "/api/v1/groups/" + id, [&ctx](auto&, auto& res, const Params& p) {
        bool found = false;
        int queued = 0;
        ctx.store->transaction([&](Db& db) {
            auto g = ctx.store->group(db, p[0]);
            if (!g) return;
            found = ctx.store->delete_group(db, p[0]);
            reconcile_and_wake(ctx, db, g->devices, queued);
        });
        if (!found) return send_error(res, 404, "group.not_found", "No group has id \"" + p[0] + "\".");
        if (queued) wake_outbox(ctx);
        res.status = 204;
    });

    // --- client tokens
    r.add("POST", "/api/v1/client-tokens/verify", [&ctx](auto& req, auto& res, auto&) {
        auto body = parse_body(req, res);
        if (!body) return;
        if (!body->is_object() || !(*body)["policy_id"].is_string() || !(*body)["device_id"].is_string() ||
            !(*body)["token"].is_string())
            return send_error(res, 422, "request.invalid", "Send {\"policy_id\", \"device_id\", \"token\"} as strings.");
        bool valid = verify_client_token(ctx.engine->base_options().client_token_secret.value_or(""),
                                         (*body)["policy_id"].template get<std::string>(),
                                         (*body)["device_id"].template get<std::string>(),
                                         (*body)["token"].template get<std::string>());
        send_json(res, 200, {{"valid", valid}});
    });
}

}  // namespace acmepolicy::server
