// /api/v1/groups: groups and their members.
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
        if (has_control_character(id)) {
            send_error(res, 422, "group.invalid", "The group's id holds a control character.",
                       control_character_id("group.id_invalid"));
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

void rest::add_group_routes(Router& r, ServerContext& ctx) {
    const std::string id = "([^/]+)";
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
}

}  // namespace acmepolicy::server
