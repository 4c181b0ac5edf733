// Outbox routes and the delivery view of assignments.
#include "server/rest_outbox.hpp"

#include "acmepolicy/certificate.hpp"
#include "server/engine.hpp"
#include "server/log.hpp"
#include "server/outbox.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

json parsed_or_null(const std::string& text) {
    if (text.empty()) return nullptr;
    json value = json::parse(text, nullptr, false);  // written by the server itself
    return value.is_discarded() ? json(text) : value;
}

json time_or_null(const std::optional<std::int64_t>& unix_ms) {
    if (!unix_ms) return nullptr;
    return rfc3339_ms(*unix_ms);
}

json mdm_answer_json(const CommandRow& c) {
    if (!c.last_mdm_status && c.last_mdm_answer.empty()) return nullptr;
    return {{"http_status", c.last_mdm_status ? json(*c.last_mdm_status) : json(nullptr)},
            {"body", c.last_mdm_answer}, {"detail", c.last_error}};
}

}  // namespace

json command_json(const CommandRow& c) {
    return {{"command_uuid", c.command_uuid}, {"seq", c.created_seq}, {"device", c.device_id},
            {"policy", c.policy_id}, {"request_type", c.request_type}, {"status", c.status},
            {"attempts", c.attempts}, {"dead", c.status == "dead"},
            {"next_attempt_at", c.status == "queued" ? time_or_null(c.next_attempt_at) : json(nullptr)},
            {"last_mdm_answer", mdm_answer_json(c)}, {"last_device_answer", parsed_or_null(c.device_answer)},
            {"detail", c.last_error.empty() ? json(nullptr) : json(c.last_error)},
            {"created_at", c.created_at}, {"updated_at", c.updated_at}};
}

json delivery_json(Store& store, Db& db, const AssignmentRow& a) {
    std::optional<CommandRow> last;
    if (!a.last_command_uuid.empty()) last = store.command(db, a.last_command_uuid);
    std::optional<std::int64_t> next_retry = a.next_retry_at;
    if (!next_retry && last && last->status == "queued") next_retry = last->next_attempt_at;
    return {{"attempts", last ? last->attempts : 0},
            {"install_attempts", a.install_attempts},
            {"command_status", last ? json(last->status) : json(nullptr)},
            {"last_mdm_answer", last ? mdm_answer_json(*last) : json(nullptr)},
            {"last_device_answer", last ? parsed_or_null(last->device_answer) : json(nullptr)},
            {"next_retry_at", time_or_null(next_retry)},
            {"dead", a.dead}};
}

void add_outbox_routes(Router& r, ServerContext& ctx) {
    r.add("GET", "/api/v1/commands", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        CommandFilter filter;
        filter.device_id = req.get_param_value("device");
        filter.policy_id = req.get_param_value("policy");
        filter.status = req.get_param_value("status");
        if (req.has_param("limit")) {
            const std::string text = req.get_param_value("limit");
            if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(text) < 1 || std::stoi(text) > 1000)
                return send_error(res, 400, "request.limit_invalid", "limit must be a whole number from 1 to 1000.");
            filter.limit = std::stoi(text);
        }
        json list = json::array();
        ctx.store->read_transaction([&](Db& db) {
            for (const auto& c : ctx.store->commands(db, filter)) list.push_back(command_json(c));
        });
        send_json(res, 200, {{"commands", list}});
    });

    r.add("POST", "/api/v1/devices/([^/]+)/reconcile", [&ctx](const httplib::Request&, httplib::Response& res,
                                                             const Params& p) {
        std::optional<int> queued;
        ctx.store->transaction([&](Db& db) {
            if (!ctx.store->device(db, p[0])) return;
            queued = reconcile_devices(ctx, db, {p[0]});
        });
        if (!queued) return send_error(res, 404, "device.not_found", "No device has id \"" + p[0] + "\".");
        if (*queued) wake_outbox(ctx);
        send_json(res, 200, {{"device", p[0]}, {"commands_queued", *queued}});
    });

    r.add("POST", "/api/v1/commands/([^/]+)/retry", [&ctx](const httplib::Request&, httplib::Response& res,
                                                          const Params& p) {
        int status = 0;
        std::string message;
        json reply;
        ctx.store->transaction([&](Db& db) {
            Store& store = *ctx.store;
            auto command = store.command(db, p[0]);
            if (!command) {
                status = 404;
                return;
            }
            auto a = store.assignment(db, command->device_id, command->policy_id);
            const bool current = a && a->last_command_uuid == command->command_uuid;
            if (command->status == "dead" || command->status == "failed") {
                // Never reached the device: send the same command again, attempts from zero.
                store.requeue_command(db, command->command_uuid, now_ms());
                if (current) {
                    a->status = command->request_type == "RemoveProfile" ? "removing" : "pending";
                    a->dead = false;
                    a->last_error.clear();
                    store.save_assignment(db, *a);
                }
                reply = command_json(*store.command(db, command->command_uuid));
                status = 202;
            } else if (command->status == "error" && command->request_type == "InstallProfile" && current &&
                       a->status == "failed") {
                // The device refused it: install again now, with a new CommandUUID and fresh attempts.
                a->payload_uuid.clear();
                a->install_attempts = 0;
                a->dead = false;
                a->next_retry_at.reset();
                store.save_assignment(db, *a);
                int queued = reconcile_devices(ctx, db, {a->device_id});
                auto after = store.assignment(db, a->device_id, a->policy_id);
                reply = {{"retried", command->command_uuid}, {"commands_queued", queued},
                         {"command_uuid", after ? after->last_command_uuid : ""}};
                status = 202;
            } else {
                status = 409;
                message = "Command " + command->command_uuid + " is " + command->status +
                          "; only a dead or rejected command, or the latest install a device refused, can be retried.";
            }
        });
        if (status == 404) return send_error(res, 404, "command.not_found", "No command has UUID \"" + p[0] + "\".");
        if (status == 409) return send_error(res, 409, "command.not_retryable", message);
        wake_outbox(ctx);
        send_json(res, status, reply);
    });
}

}  // namespace acmepolicy::server
