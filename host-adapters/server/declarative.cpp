// The declarative management endpoints. Everything a device is served is computed from the store and the
// core on each request: its declarations are the DDM form of every policy that includes it and is
// delivered declaratively to it (Engine::declarative_for), so an assignment, an edit or a removal changes
// them without state of its own; the status report moves the assignments on.
#include "server/asset_links.hpp"
#include "server/clock.hpp"
#include "server/declarative.hpp"

#include <algorithm>

#include "acmepolicy/crypto.hpp"
#include "server/inventory.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/mdm_webhook.hpp"

namespace acmepolicy::server {
namespace {

const char* const kEnrollmentHeader = "X-Enrollment-ID";

bool from_trusted_proxy(const ServerContext& ctx, const httplib::Request& req) {
    const auto& allowed = ctx.config.dm_trusted_proxies;
    return std::find(allowed.begin(), allowed.end(), req.remote_addr) != allowed.end();
}

/// Checks the caller and the signature; answers and returns false when the request must go no further.
/// Refusals look like an empty path (404) so nothing tells an outsider what is served here.
bool admitted(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res, bool signed_route) {
    if (!from_trusted_proxy(ctx, req)) {
        log_warn("declarative request from an untrusted address", {{"remote", req.remote_addr}, {"path", req.path}});
        send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
        return false;
    }
    if (signed_route && !ctx.config.dm_hmac_key.empty() &&
        !mdm_signature_valid(ctx.config.dm_hmac_key, req.body, req.get_header_value("X-Hmac-Signature"))) {
        send_error(res, 401, "dm.signature_invalid",
                   "X-Hmac-Signature must be the base64 HMAC-SHA-256 of the body under NanoMDM's -dm-send-hmac-key.");
        return false;
    }
    return true;
}

/// What one device is served: its declarations and their token.
struct Served {
    std::string device_id;
    std::vector<Engine::Declarative> policies;
    std::vector<nlohmann::json> declarations;
    std::string token;      // DeclarationsToken: changes exactly when a declaration changes
    std::string timestamp;  // the newest contributing policy's updated_at
};

Served served_to(ServerContext& ctx, Db& db, const std::string& enrollment_id) {
    Served s;
    auto row = ctx.store->device(db, enrollment_id);
    if (!row) row = ctx.store->device_by_identifier(db, enrollment_id);
    if (!row || row->mdm_id != enrollment_id) return s;
    s.device_id = row->id;
    s.policies = ctx.engine->declarative_for(db, row->id);
    std::string material;
    for (const auto& p : s.policies) {
        auto doc = nlohmann::json::parse(p.rendered.bytes, nullptr, false);
        if (doc.is_discarded() || !doc.contains("declarations")) continue;
        for (auto& d : doc["declarations"]) {
            material += d.value("Identifier", "") + "\n" + d.value("ServerToken", "") + "\n";
            s.declarations.push_back(std::move(d));
        }
        s.timestamp = std::max(s.timestamp, p.policy_updated_at);
    }
    s.token = crypto::to_hex(crypto::sha256(material));
    if (s.timestamp.empty()) s.timestamp = "1970-01-01T00:00:00Z";
    return s;
}

const char* group_of(const std::string& type) {
    if (type.rfind("com.apple.activation.", 0) == 0) return "Activations";
    if (type.rfind("com.apple.asset.", 0) == 0) return "Assets";
    if (type.rfind("com.apple.configuration.", 0) == 0) return "Configurations";
    return "Management";
}

/// The declaration kind as the device names it in declaration/{kind}/{identifier}.
std::string path_kind(const std::string& type) {
    std::string group = group_of(type);  // "Activations" → "activation"
    group[0] = static_cast<char>(group[0] - 'A' + 'a');
    if (group.back() == 's') group.pop_back();
    return group;
}

/// Declarative assignments the device no longer has a declaration for were removed by this sync.
void settle_removals(ServerContext& ctx, Db& db, const Served& s) {
    for (auto a : ctx.store->assignments_of_device(db, s.device_id)) {
        if (a.status != "removing") continue;
        bool still = std::any_of(s.policies.begin(), s.policies.end(),
                                 [&](const Engine::Declarative& d) { return d.policy_id == a.policy_id; });
        auto command = a.last_command_uuid.empty() ? std::nullopt : ctx.store->command(db, a.last_command_uuid);
        if (still || !command || command->request_type != "DeclarativeManagement") continue;
        a.status = "removed";
        a.installed_payload_uuid.clear();
        a.installed_version.reset();
        ctx.store->save_assignment(db, a);
    }
}

/// Applies a status report: each of our identity configurations that the device reports active and valid
/// makes its assignment `installed` (and removes the profile it replaced); one reported inactive or invalid
/// makes it `failed` with Apple's reasons. Returns true when it queued a command (a replaced profile's
/// removal), so the caller wakes the outbox after its transaction.
bool apply_status(ServerContext& ctx, Db& db, const Served& s, const nlohmann::json& report) {
    bool queued_removal = false;
    const nlohmann::json* configurations = nullptr;
    if (auto items = report.find("StatusItems"); items != report.end() && items->is_object())
        if (auto m = items->find("management"); m != items->end() && m->is_object())
            if (auto d = m->find("declarations"); d != m->end() && d->is_object())
                if (auto c = d->find("configurations"); c != d->end() && c->is_array()) configurations = &*c;
    if (!configurations) return false;
    for (const auto& item : *configurations) {
        if (!item.is_object() || !item.contains("identifier") || !item["identifier"].is_string()) continue;
        const std::string identifier = item["identifier"].get<std::string>();
        for (const auto& p : s.policies) {
            auto doc = nlohmann::json::parse(p.rendered.bytes, nullptr, false);
            bool ours = false;
            for (const auto& d : doc.value("declarations", nlohmann::json::array()))
                ours = ours || (d.value("Identifier", "") == identifier &&
                                d.value("Type", "") == "com.apple.configuration.security.identity");
            if (!ours) continue;
            auto a = ctx.store->assignment(db, s.device_id, p.policy_id);
            if (!a || a->status == "removing" || a->status == "removed") continue;
            const bool active = item.contains("active") && item["active"] == true && item.contains("valid") &&
                                item["valid"] == "valid";
            if (active) {
                a->status = "installed";
                a->installed_payload_uuid = a->payload_uuid;
                a->installed_version = a->desired_version;
                a->last_error.clear();
                // The declarative identity replaced a profile: only now, with the new identity active, does
                // the profile go.
                if (!a->replaced_profile.empty() &&
                    ctx.engine->queue_profile_removal(db, s.device_id, p.policy_id, a->replaced_profile))
                    queued_removal = true;
                a->replaced_profile.clear();
            } else {
                a->status = "failed";
                a->last_error = nlohmann::json{{"status", "DeclarationFailed"},
                                               {"valid", item.value("valid", "unknown")},
                                               {"reasons", item.value("reasons", nlohmann::json::array())}}
                                    .dump();
            }
            ctx.store->save_assignment(db, *a);
        }
    }
    return queued_removal;
}

}  // namespace

void add_declarative_routes(Router& router, ServerContext& ctx) {
    router.add("GET", "/dm/tokens", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        if (!admitted(ctx, req, res, true)) return;
        Served s = ctx.store->transaction([&](Db& db) { return served_to(ctx, db, req.get_header_value(kEnrollmentHeader)); });
        if (s.device_id.empty()) return send_error(res, 404, "dm.unknown_enrollment", "No enrolled device has this enrollment id.");
        send_json(res, 200, {{"SyncTokens", {{"DeclarationsToken", s.token}, {"Timestamp", s.timestamp}}}});
    });
    router.add("GET", "/dm/declaration-items", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        if (!admitted(ctx, req, res, true)) return;
        Served s = ctx.store->transaction([&](Db& db) {
            Served served = served_to(ctx, db, req.get_header_value(kEnrollmentHeader));
            if (!served.device_id.empty()) settle_removals(ctx, db, served);
            return served;
        });
        if (s.device_id.empty()) return send_error(res, 404, "dm.unknown_enrollment", "No enrolled device has this enrollment id.");
        nlohmann::json groups = {{"Activations", nlohmann::json::array()}, {"Assets", nlohmann::json::array()},
                                 {"Configurations", nlohmann::json::array()}, {"Management", nlohmann::json::array()}};
        for (const auto& d : s.declarations)
            groups[group_of(d.value("Type", ""))].push_back(
                {{"Identifier", d.value("Identifier", "")}, {"ServerToken", d.value("ServerToken", "")}});
        send_json(res, 200, {{"Declarations", groups}, {"DeclarationsToken", s.token}});
    });
    router.add("GET", "/dm/declaration/([a-z]+)/([^/]+)",
               [&ctx](const httplib::Request& req, httplib::Response& res, const Params& params) {
                   if (!admitted(ctx, req, res, true)) return;
                   Served s = ctx.store->transaction(
                       [&](Db& db) { return served_to(ctx, db, req.get_header_value(kEnrollmentHeader)); });
                   for (const auto& d : s.declarations) {
                       const std::string type = d.value("Type", "");
                       if (d.value("Identifier", "") == params[1] && path_kind(type) == params[0])
                           return send_json(res, 200, d);
                   }
                   send_error(res, 404, "dm.declaration_not_found", "This device has no such declaration.");
               });
    router.add("PUT", "/dm/status", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        if (!admitted(ctx, req, res, true)) return;
        JsonBody parsed = read_json_body(req.body);  // the strict reader every body goes through
        const nlohmann::json report = parsed.value ? *parsed.value : nlohmann::json();
        if (!report.is_object())
            return send_error(res, 400, "dm.status_invalid", "A status report is a JSON object with StatusItems.");
        const std::string enrollment = req.get_header_value(kEnrollmentHeader);
        bool queued = false;
        bool known = ctx.store->transaction([&](Db& db) {
            Served s = served_to(ctx, db, enrollment);
            if (s.device_id.empty()) return false;
            ctx.store->insert_event(db, EventRow{"dm.status", s.device_id, report.dump(), "", "applied", "", ""});
            std::size_t installed_before = 0, installed_after = 0;
            for (const auto& a : ctx.store->assignments_of_device(db, s.device_id)) installed_before += a.status == "installed";
            queued = apply_status(ctx, db, s, report);
            for (const auto& a : ctx.store->assignments_of_device(db, s.device_id)) installed_after += a.status == "installed";
            // A credential went on (or was renewed): see the certificate it obtained (inventory.hpp).
            if (installed_after > installed_before && queue_inventory(ctx, db, s.device_id) > 0) queued = true;
            return true;
        });
        if (!known) return send_error(res, 404, "dm.unknown_enrollment", "No enrolled device has this enrollment id.");
        if (queued) wake_outbox(ctx);
        res.status = 200;
    });
    router.add("GET", "/dm-assets/([^/]+)/([^/]+)\\.json",
               [&ctx](const httplib::Request& req, httplib::Response& res, const Params& params) {
                   if (req.has_param("signature") && !ctx.config.dm_asset_link_key.empty()) {
                       // A signed link: it names the policy and device itself, from wherever the device is.
                       if (!asset_link_valid(ctx.config.dm_asset_link_key, params[0], params[1],
                                             req.get_param_value("expires"), req.get_param_value("signature"),
                                             clock_now_ms() / 1000))
                           return send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
                       std::vector<Engine::Declarative> policies =
                           ctx.store->read_transaction([&](Db& db) { return ctx.engine->declarative_for(db, params[1]); });
                       for (const auto& p : policies)
                           if (p.policy_id == params[0]) {
                               res.status = 200;
                               return res.set_content(p.rendered.credential_json, "application/json");
                           }
                       return send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
                   }
                   if (!admitted(ctx, req, res, false)) return;
                   Served s = ctx.store->transaction(
                       [&](Db& db) { return served_to(ctx, db, req.get_header_value(kEnrollmentHeader)); });
                   // A device is served only its own credential: the proxy names the enrollment.
                   if (!s.device_id.empty() && params[1] == s.device_id)
                       for (const auto& p : s.policies)
                           if (p.policy_id == params[0]) {
                               res.status = 200;
                               return res.set_content(p.rendered.credential_json, "application/json");
                           }
                   send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
               });
}

}  // namespace acmepolicy::server
