// /api/v1/devices: the inventory, identity conflicts and each device's status.
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

std::optional<DeviceRecord> checked_device(const json& body, httplib::Response& res) {
    Report report;
    auto record = read_device(body, "", report);
    if (!record || !report.valid()) {
        send_error(res, 422, "device.invalid", "The device record has errors; see diagnostics.", diagnostics_json(report, true));
        return std::nullopt;
    }
    if (has_control_character(record->id)) {
        send_error(res, 422, "device.invalid", "The device record has errors; see diagnostics.",
                   control_character_id("device.id_invalid"));
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

}  // namespace

void rest::add_device_routes(Router& r, ServerContext& ctx) {
    const std::string id = "([^/]+)";
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
}

}  // namespace acmepolicy::server
