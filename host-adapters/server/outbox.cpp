// The outbox sender thread and the MDM enqueue client.
#include "server/outbox.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <httplib.h>

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

EnqueueOutcome interpret_nanomdm_reply(int http_status, const std::string& body) {
    if (http_status == 401) return {EnqueueOutcome::retry, "MDM answered 401: check --nanomdm-api-key"};
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
    if (!command_error.empty()) return {EnqueueOutcome::rejected, "command_error: " + command_error};
    if (http_status >= 200 && http_status < 300) {
        return {EnqueueOutcome::enqueued, push_error.empty() ? "" : "push_error: " + push_error};
    }
    if (http_status == 500 && !push_error.empty()) return {EnqueueOutcome::enqueued, "push_error: " + push_error};
    return {EnqueueOutcome::retry, "MDM answered HTTP " + std::to_string(http_status)};
}

EnqueueOutcome send_to_mdm(const ServerConfig& config, const std::string& mdm_id, const std::string& plist) {
    const bool nano = !config.nanomdm_url.empty();
    const std::string& url = nano ? config.nanomdm_url : config.micromdm_url;
    if (url.empty()) return {EnqueueOutcome::retry, "no MDM configured (--nanomdm-url or --micromdm-url)"};
    try {
        auto [base, prefix] = split_url(url);
        httplib::Client client(base);
        client.set_connection_timeout(5, 0);
        client.set_read_timeout(15, 0);
        client.set_write_timeout(15, 0);
        client.set_basic_auth(nano ? "nanomdm" : "micromdm", nano ? config.nanomdm_api_key : config.micromdm_api_key);
        httplib::Result result = nano
            ? client.Put((prefix + "/v1/enqueue/" + path_escape(mdm_id)).c_str(), plist, "application/xml")
            : client.Post((prefix + "/v1/commands/" + path_escape(mdm_id)).c_str(), plist, "application/xml");
        if (!result) return {EnqueueOutcome::retry, "transport: " + httplib::to_string(result.error())};
        if (nano) return interpret_nanomdm_reply(result->status, result->body);
        if (result->status >= 200 && result->status < 300) return {EnqueueOutcome::enqueued, ""};
        if (result->status == 400) return {EnqueueOutcome::rejected, "MDM answered 400: " + result->body.substr(0, 200)};
        return {EnqueueOutcome::retry, "MDM answered HTTP " + std::to_string(result->status)};
    } catch (const std::exception& e) {
        return {EnqueueOutcome::retry, std::string("transport: ") + e.what()};
    }
}

void Outbox::start() {
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void Outbox::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Outbox::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
    }
    cv_.notify_all();
}

void Outbox::run() {
    const auto poll = std::chrono::milliseconds(static_cast<std::int64_t>(ctx_.config.poll_seconds * 1000));
    while (true) {
        int claimed = 0;
        try {
            prune_events_if_due();
            claimed = drain();
        } catch (const std::exception& e) {
            log_error("outbox pass failed", {{"error", e.what()}});
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (stopping_) return;
        if (claimed > 0 && !woken_) continue;  // more may be due right away
        cv_.wait_for(lock, poll, [this] { return stopping_ || woken_; });
        woken_ = false;
        if (stopping_) return;
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
    const std::int64_t now = now_ms();
    auto claimed = store.transaction([&](Db& db) {
        return store.claim_due_commands(db, ctx_.config.instance_id, now, now + 60'000, 20);
    });
    for (const auto& command : claimed) {
        EnqueueOutcome outcome = send_to_mdm(ctx_.config, command.mdm_id, command.payload);
        nlohmann::json fields = {{"command_uuid", command.command_uuid}, {"device", command.device_id},
                                 {"request_type", command.request_type}, {"attempt", command.attempts}};
        if (!outcome.detail.empty()) fields["detail"] = outcome.detail;
        store.transaction([&](Db& db) {
            if (outcome.kind == EnqueueOutcome::enqueued) {
                store.finish_command(db, command.command_uuid, "enqueued", outcome.detail, std::nullopt);
            } else if (outcome.kind == EnqueueOutcome::rejected) {
                store.finish_command(db, command.command_uuid, "failed", outcome.detail, std::nullopt);
                if (auto a = store.assignment(db, command.device_id, command.policy_id);
                    a && a->last_command_uuid == command.command_uuid) {
                    a->status = "failed";
                    a->last_error = nlohmann::json{{"status", "Rejected"}, {"mdm", outcome.detail}}.dump();
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
        });
        const char* what = outcome.kind == EnqueueOutcome::enqueued   ? "command enqueued at the MDM"
                           : outcome.kind == EnqueueOutcome::rejected ? "command rejected by the MDM"
                                                                      : "command enqueue failed; will retry";
        if (outcome.kind == EnqueueOutcome::enqueued) log_info(what, fields);
        else log_warn(what, fields);
    }
    return static_cast<int>(claimed.size());
}

}  // namespace acmepolicy::server
