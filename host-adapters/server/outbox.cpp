// The outbox sender thread and the MDM enqueue client.
#include "server/outbox.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>

#include <httplib.h>

#include "server/inventory.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

namespace {

/// "http://host:port/prefix" → ("http://host:port", "/prefix").
std::pair<std::string, std::string> split_url(const std::string& url) {
    auto scheme_end = url.find("://");
    auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path_start == std::string::npos) return {url, ""};
    return {url.substr(0, path_start), url.substr(path_start)};
}

std::string path_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

bool is_repeated_uuid_error(const std::string& command_error) {
    std::string lower;
    for (char c : command_error) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // NanoMDM passes its storage's words through: MySQL "Duplicate entry", PostgreSQL "duplicate key value
    // violates unique constraint", SQLite "UNIQUE constraint failed", the file store "already exists".
    return lower.find("duplicate") != std::string::npos || lower.find("unique constraint") != std::string::npos ||
           lower.find("already exists") != std::string::npos;
}

EnqueueOutcome interpret_nanomdm_reply(int http_status, const std::string& body) {
    if (http_status == 401) return {EnqueueOutcome::retry, "MDM answered 401: check --nanomdm-api-key", 401, ""};
    // The MDM's answer is read as strictly as any request: a broken or hostile reply cannot throw here.
    JsonBody parsed = read_json_body(body);
    nlohmann::json json = parsed.value ? *parsed.value : nlohmann::json();
    std::string command_error, push_error;
    bool typed = true;
    if (json.is_object()) {
        command_error = string_field(json, "command_error", typed).value_or("");
        push_error = string_field(json, "push_error", typed).value_or("");
        if (auto status = json.find("status"); status != json.end() && status->is_object()) {
            for (const auto& [id, entry] : status->items()) {
                if (!entry.is_object()) continue;
                if (command_error.empty()) command_error = string_field(entry, "command_error", typed).value_or("");
                if (push_error.empty()) push_error = string_field(entry, "push_error", typed).value_or("");
            }
        }
    }
    if (!command_error.empty()) {
        if (is_repeated_uuid_error(command_error))
            return {EnqueueOutcome::enqueued, "already enqueued (repeated CommandUUID): " + command_error, http_status, ""};
        return {EnqueueOutcome::rejected, "command_error: " + command_error, http_status, ""};
    }
    if (http_status >= 200 && http_status < 300) {
        return {EnqueueOutcome::enqueued, push_error.empty() ? "" : "push_error: " + push_error, http_status, ""};
    }
    if (http_status == 500 && !push_error.empty())
        return {EnqueueOutcome::enqueued, "push_error: " + push_error, http_status, ""};
    return {EnqueueOutcome::retry, "MDM answered HTTP " + std::to_string(http_status), http_status, ""};
}

namespace {

std::string transport_cause(httplib::Error error) {
    switch (error) {
        case httplib::Error::Connection: return "connection refused or host unreachable";
        case httplib::Error::ConnectionTimeout: return "connection timed out";
        case httplib::Error::Read: return "no answer in time (read failed or timed out)";
        case httplib::Error::Write: return "sending the command failed";
        case httplib::Error::SSLConnection: return "TLS handshake failed";
        case httplib::Error::SSLServerVerification: return "the server's TLS certificate is not trusted";
        default: return httplib::to_string(error);
    }
}

std::string excerpt(const std::string& body) { return body.size() > 500 ? body.substr(0, 500) + "..." : body; }

}  // namespace

EnqueueOutcome send_to_mdm(const ServerConfig& config, const std::string& mdm_id, const std::string& plist) {
    const bool nano = !config.nanomdm_url.empty();
    const std::string& url = nano ? config.nanomdm_url : config.micromdm_url;
    if (url.empty())
        return {EnqueueOutcome::retry, "no MDM configured (--nanomdm-url or --micromdm-url)", std::nullopt, ""};
    try {
        auto [base, prefix] = split_url(url);
        httplib::Client client(base);
        const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(config.mdm_timeout_seconds * 1000));
        client.set_connection_timeout(5, 0);
        client.set_read_timeout(timeout);
        client.set_write_timeout(timeout);
        client.set_basic_auth(nano ? "nanomdm" : "micromdm", nano ? config.nanomdm_api_key : config.micromdm_api_key);
        httplib::Result result = nano
            ? client.Put((prefix + "/v1/enqueue/" + path_escape(mdm_id)).c_str(), plist, "application/xml")
            : client.Post((prefix + "/v1/commands/" + path_escape(mdm_id)).c_str(), plist, "application/xml");
        const std::string host = base.substr(base.find("://") == std::string::npos ? 0 : base.find("://") + 3);
        if (!result) {
            std::string why = "transport: " + transport_cause(result.error()) + " to " + host;
            return {EnqueueOutcome::retry, why, std::nullopt, why};
        }
        EnqueueOutcome out;
        if (nano) {
            out = interpret_nanomdm_reply(result->status, result->body);
        } else if (result->status >= 200 && result->status < 300) {
            out = {EnqueueOutcome::enqueued, "", result->status, ""};
        } else if (result->status == 400) {
            out = {EnqueueOutcome::rejected, "MDM answered 400: " + result->body.substr(0, 200), result->status, ""};
        } else {
            out = {EnqueueOutcome::retry, "MDM answered HTTP " + std::to_string(result->status), result->status, ""};
        }
        out.http_status = result->status;
        out.answer = excerpt(result->body);
        return out;
    } catch (const std::exception& e) {
        std::string why = std::string("transport: ") + e.what();
        return {EnqueueOutcome::retry, why, std::nullopt, why};
    }
}

void Outbox::start() {
    wakeup_.restart();
    thread_ = std::thread([this] { run(); });
    prerenderer_.start();
}

void Outbox::stop() {
    wakeup_.stop();
    if (thread_.joinable()) thread_.join();
    prerenderer_.stop();
}

void Outbox::wake() {
    wakeup_.wake();
    prerenderer_.wake();
}

void Outbox::run() {
    const auto poll = std::chrono::milliseconds(static_cast<std::int64_t>(ctx_.config.poll_seconds * 1000));
    while (true) {
        int claimed = 0;
        try {
            prune_events_if_due();
            retry_failed_installs();
            lifecycle_pass(ctx_);  // inventories and renewals that are due (inventory.hpp)
            claimed = drain();
        } catch (const std::exception& e) {
            log_error("outbox pass failed", {{"error", e.what()}});
        }
        if (wakeup_.stopping()) return;
        if (claimed > 0) continue;  // more may be due right away
        if (!wakeup_.wait(poll)) return;
    }
}

void Outbox::prune_events_if_due() {
    const std::int64_t now = now_ms();
    if (last_prune_ms_ != 0 && now - last_prune_ms_ < 3'600'000) return;
    last_prune_ms_ = now;
    const auto keep_ms = static_cast<std::int64_t>(ctx_.config.event_retention_days * 86'400'000.0);
    const std::string cutoff = rfc3339_ms(now - keep_ms);
    std::int64_t pruned = ctx_.store->transaction([&](Db& db) { return ctx_.store->prune_events(db, cutoff); });
    if (pruned > 0) log_info("webhook events pruned", {{"deleted", pruned}, {"before", cutoff}});
}

int Outbox::drain() {
    Store& store = *ctx_.store;
    // One command per claim, its lease longer than one send can take (connect + write + read timeouts),
    // so no other instance can claim it while it is in flight.
    const auto lease_ms = static_cast<std::int64_t>((5 + 2 * ctx_.config.mdm_timeout_seconds + 30) * 1000);
    int sent = 0;
    auto claim = [&](Db& db) {
        const std::int64_t now = now_ms();
        return store.claim_next_command(db, ctx_.config.instance_id, now, now + lease_ms);
    };
    // Gives a claimed, unsent command back at once instead of letting its lease run out.
    auto release = [&](const CommandRow& command) {
        store.transaction([&](Db& db) {
            store.finish_command(db, command.command_uuid, "queued", command.last_error, now_ms());
            db.query("UPDATE commands SET attempts = attempts - 1 WHERE command_uuid = $1", {command.command_uuid});
        });
    };
    // Each transaction records one answer and claims the next command: one write-lock turn per command.
    std::optional<CommandRow> claimed = store.transaction(claim);
    for (; claimed; ++sent) {
        // Let the loop look at retries and pruning now and then.
        const bool stop = sent >= 200 || wakeup_.stopping();
        if (stop) {
            release(*claimed);
            break;
        }
        CommandRow command = *claimed;  // a copy: `claimed` becomes the next command below
        const bool render_now = command.payload.empty() && command.policy_version.has_value();
        // Rendered ahead by the pre-renderer and never sent: still the version to install?
        const bool rendered_ahead = !render_now && command.policy_version.has_value() &&
                                    !command.last_mdm_status && command.last_mdm_answer.empty();
        if (render_now || rendered_ahead) {
            // Rendered and signed here, on a reader connection, outside the write lock.
            Engine::QueuedRender r;
            if (render_now) {
                r = store.read_transaction([&](Db& db) { return ctx_.engine->render_queued_install(db, command); });
            } else if (auto gone = store.read_transaction(
                           [&](Db& db) { return ctx_.engine->superseded_install(db, command); })) {
                r.outcome = Engine::QueuedRender::superseded;
                r.detail = *gone;
            }
            if (r.outcome != Engine::QueuedRender::ready) {
                const bool superseded = r.outcome == Engine::QueuedRender::superseded;
                claimed = store.transaction([&](Db& db) -> std::optional<CommandRow> {
                    store.finish_command(db, command.command_uuid, superseded ? "cancelled" : "failed", r.detail,
                                         std::nullopt);
                    if (auto a = store.assignment(db, command.device_id, command.policy_id);
                        !superseded && a && a->last_command_uuid == command.command_uuid) {
                        a->status = "failed";
                        a->next_retry_at.reset();
                        a->last_error = nlohmann::json{{"render", r.diagnostics}}.dump();
                        store.save_assignment(db, *a);
                    }
                    return claim(db);
                });
                log_warn(superseded ? "queued InstallProfile cancelled before it was sent" : "cannot render InstallProfile",
                         {{"command_uuid", command.command_uuid}, {"device", command.device_id},
                          {"policy", command.policy_id}, {"detail", r.detail}, {"diagnostics", r.diagnostics}});
                continue;
            }
            if (render_now) command.payload = std::move(r.payload);
        }
        EnqueueOutcome outcome = send_to_mdm(ctx_.config, command.mdm_id, command.payload);
        nlohmann::json fields = {{"command_uuid", command.command_uuid}, {"device", command.device_id},
                                 {"request_type", command.request_type}, {"attempt", command.attempts},
                                 {"seq", command.created_seq}};
        if (!outcome.detail.empty()) fields["detail"] = outcome.detail;
        const bool dead = outcome.kind == EnqueueOutcome::retry && command.attempts >= ctx_.config.max_send_attempts;
        claimed = store.transaction([&](Db& db) -> std::optional<CommandRow> {
            // Kept once sent: a resend (retry, admin retry) sends these same bytes.
            if (render_now) store.set_command_payload(db, command.command_uuid, command.payload);
            store.record_mdm_answer(db, command.command_uuid,
                                    outcome.http_status ? std::optional<std::int64_t>(*outcome.http_status) : std::nullopt,
                                    outcome.answer);
            if (outcome.kind == EnqueueOutcome::enqueued) {
                store.finish_command(db, command.command_uuid, "enqueued", outcome.detail, std::nullopt);
            } else if (outcome.kind == EnqueueOutcome::rejected || dead) {
                // Rejected, or the attempts are used up: never resent by itself; an admin can retry it.
                store.finish_command(db, command.command_uuid, dead ? "dead" : "failed", outcome.detail, std::nullopt);
                if (auto a = store.assignment(db, command.device_id, command.policy_id);
                    a && a->last_command_uuid == command.command_uuid) {
                    a->status = "failed";
                    a->dead = dead;
                    a->next_retry_at.reset();
                    a->last_error = nlohmann::json{{"status", dead ? "Dead" : "Rejected"}, {"mdm", outcome.detail}}.dump();
                    store.save_assignment(db, *a);
                }
            } else {
                double delay = std::min(ctx_.config.retry_max_seconds,
                                        ctx_.config.retry_base_seconds *
                                            std::pow(2.0, static_cast<double>(std::max<std::int64_t>(0, command.attempts - 1))));
                store.finish_command(db, command.command_uuid, "queued", outcome.detail,
                                     now_ms() + static_cast<std::int64_t>(delay * 1000));
                fields["retry_in_seconds"] = delay;
            }
            return claim(db);
        });
        const char* what = outcome.kind == EnqueueOutcome::enqueued   ? "command enqueued at the MDM"
                           : outcome.kind == EnqueueOutcome::rejected ? "command rejected by the MDM"
                           : dead                                     ? "command dead: send attempts used up"
                                                                      : "command enqueue failed; will retry";
        if (outcome.kind == EnqueueOutcome::enqueued) log_info(what, fields);
        else log_warn(what, fields);
    }
    return sent;
}

void Outbox::retry_failed_installs() {
    Store& store = *ctx_.store;
    auto due = store.read_transaction([&](Db& db) { return store.installs_due_for_retry(db, now_ms()); });
    int queued = 0;
    for (const auto& row : due) {
        queued += store.transaction([&](Db& db) {
            auto a = store.assignment(db, row.device_id, row.policy_id);
            if (!a || a->status != "failed" || a->dead || !a->next_retry_at || *a->next_retry_at > now_ms()) return 0;
            // Forget the failed profile so the plan installs it again, with a new CommandUUID.
            a->payload_uuid.clear();
            a->next_retry_at.reset();
            store.save_assignment(db, *a);
            log_info("retrying an install the device refused",
                     {{"device", a->device_id}, {"policy", a->policy_id}, {"install_attempt", a->install_attempts + 1}});
            return reconcile_devices(ctx_, db, {a->device_id});
        });
    }
    (void)queued;
}

}  // namespace acmepolicy::server
