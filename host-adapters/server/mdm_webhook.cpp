// NanoMDM/MicroMDM webhook events: Authenticate upserts the device, TokenUpdate completes enrollment and
// reconciles it, CheckOut marks its profiles removed, Connect reports move commands and assignments on.
#include "server/mdm_webhook.hpp"

#include <cctype>
#include <cmath>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/plist.hpp"
#include "server/engine.hpp"
#include "server/inventory.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/webhook_event.hpp"

namespace acmepolicy::server {

namespace {

std::string plist_string(const plist::Value& root, const char* key) {
    if (const auto* v = root.find(key))
        if (const auto* s = v->as_string()) return *s;
    return {};
}

struct EventIds {
    std::string device_id;  // our device id: NanoMDM ids.id, else UDID, else EnrollmentID
    std::string mdm_id;     // where commands go (NanoMDM enrollment id or MicroMDM UDID)
    std::string type;       // NanoMDM ids.type, "" for MicroMDM
    bool user_channel = false;
};

/// The text of a string field; the event's shape was checked (event_shape_problems), so any other type
/// reads as absent.
std::string text_of(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return {};
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

EventIds ids_of(const nlohmann::json& event, const plist::Value* payload) {
    EventIds out;
    if (auto it = event.find("ids"); it != event.end() && it->is_object()) {
        out.device_id = text_of(*it, "id");
        out.type = text_of(*it, "type");
        out.user_channel = out.type == "User" || out.type == "Shared iPad" || out.type == "User Enrollment";
    }
    std::string udid = text_of(event, "udid");
    std::string enrollment_id = text_of(event, "enrollment_id");
    if (payload) {
        if (udid.empty()) udid = plist_string(*payload, "UDID");
        if (enrollment_id.empty()) enrollment_id = plist_string(*payload, "EnrollmentID");
        // A user-channel check-in names a UserID; it is not the device channel that installs profiles.
        if (out.type.empty() && !plist_string(*payload, "UserID").empty()) out.user_channel = true;
    }
    if (out.device_id.empty()) out.device_id = !udid.empty() ? udid : enrollment_id;
    out.mdm_id = out.device_id;
    return out;
}

std::string error_chain_json(const plist::Value* payload, const std::string& status) {
    nlohmann::json error = {{"status", status}};
    if (payload) {
        if (const auto* chain = payload->find("ErrorChain")) error["error_chain"] = plist::to_json(*chain);
        else error["error_chain"] = nlohmann::json::array();
    }
    return error.dump();
}

/// The stored device an event is about: the one with the event's id, else the one enrolled under that MDM
/// id, else a device the admin registered beforehand with the same UDID or serial number — but only while
/// that record is not enrolled: a self-reported identifier never takes over an enrolled device's record
/// (and its profiles and client token). Such a claim is parked as an identity conflict for an admin, and
/// the new enrollment gets a record of its own.
std::optional<DeviceRow> known_device(Store& store, Db& db, const EventIds& ids, const plist::Value* payload) {
    if (auto d = store.device(db, ids.device_id)) return d;
    if (auto d = store.device_by_mdm_id(db, ids.mdm_id)) return d;
    if (!payload) return std::nullopt;
    for (const auto& [key, column] : {std::pair<const char*, const char*>{"UDID", "udid"},
                                      std::pair<const char*, const char*>{"SerialNumber", "serial_number"}}) {
        std::string value = plist_string(*payload, key);
        if (value.empty()) continue;
        for (const auto& candidate : store.devices_with(db, column, value)) {
            if (!candidate.enrolled) return candidate;
            store.park_identity_conflict(db, {0, candidate.id, ids.device_id, column, value, ""});
            log_warn("identity conflict parked: a check-in claims an enrolled device's identifier",
                     {{"device", candidate.id}, {"enrollment", ids.device_id}, {"matched_on", column}});
        }
    }
    return std::nullopt;
}

/// NanoMDM's `created_at` (RFC 3339 with up to nanoseconds) as nanoseconds since the epoch; nullopt when
/// absent or malformed.
std::optional<std::int64_t> event_time_ns(const nlohmann::json& event) {
    auto it = event.find("created_at");
    if (it == event.end() || !it->is_string()) return std::nullopt;
    const std::string text = it->get<std::string>();
    auto seconds = parse_rfc3339(text);
    if (!seconds) return std::nullopt;
    std::int64_t fraction = 0;
    if (auto dot = text.find('.'); dot != std::string::npos) {
        int digits = 0;
        for (std::size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
            if (digits < 9) fraction = fraction * 10 + (text[i] - '0'), ++digits;
        for (; digits < 9; ++digits) fraction *= 10;
    }
    return *seconds * 1000000000 + fraction;
}

/// How soon after a TokenUpdate an Authenticate of the same device is taken as the one that preceded it.
/// Enrolling again (removing the MDM profile, installing it anew) takes far longer than this.
constexpr std::int64_t kLateAuthenticateWindowMs = 3000;

/// NanoMDM sends webhook events from goroutines, and stamps created_at inside them, so a device's TokenUpdate
/// can arrive (and even be stamped) before the Authenticate that preceded it. An Authenticate for an enrolled
/// device whose TokenUpdate was stamped later, or was received moments ago, belongs to the current
/// enrollment: it brings facts, not a new enrollment.
bool authenticate_arrived_late(Store& store, Db& db, const DeviceRow& device, const nlohmann::json& event) {
    if (!device.enrolled) return false;
    auto token_update = store.latest_event(db, device.id, "mdm.TokenUpdate");
    if (!token_update) return false;
    auto received_ns = event_time_ns(nlohmann::json{{"created_at", token_update->received_at}});
    if (received_ns && now_ms() - *received_ns / 1000000 < kLateAuthenticateWindowMs) return true;
    auto authenticated_at = event_time_ns(event);
    auto updated_at = event_time_ns(nlohmann::json::parse(token_update->body, nullptr, false));
    return authenticated_at && updated_at && *updated_at >= *authenticated_at;
}

/// The device left its enrollment: its profiles are gone, so every assignment becomes `removed` and its
/// queued commands are cancelled (nothing is sent to a device that is no longer enrolled).
void forget_installed(Store& store, Db& db, const std::string& device_id, const char* why) {
    for (auto a : store.assignments_of_device(db, device_id)) {
        a.status = "removed";
        a.installed_payload_uuid.clear();
        a.payload_uuid.clear();
        a.installed_version.reset();
        store.save_assignment(db, a);
    }
    for (const auto& c : store.commands_of_device(db, device_id))
        if (c.status == "queued") store.finish_command(db, c.command_uuid, "cancelled", why, std::nullopt);
}

/// The device's record after an Authenticate or TokenUpdate, mapped by the core (api_device_from_checkin,
/// docs/rendering.md "Device records from check-ins") into the stored record. An event without a readable
/// message is a check-in without facts: the record still gets its enrollment by the same rule.
DeviceRecord record_after_checkin(const std::string& topic, const std::string* message, const DeviceRow* existing,
                                  const EventIds& ids) {
    nlohmann::json options = {{"id", existing ? existing->id : ids.device_id}, {"enrollment_type", ids.type}};
    if (existing) {
        auto current = nlohmann::json::parse(existing->record, nullptr, false);
        if (current.is_object()) {
            current["id"] = existing->id;
            options["device"] = std::move(current);
        }
    }
    const std::string bare = plist::write_xml(plist::Value(
        plist::Dict{{"MessageType", plist::Value(topic == "mdm.Authenticate" ? "Authenticate" : "TokenUpdate")}}));
    for (int attempt = 0; attempt < 2; ++attempt, options.erase("device")) {  // then without a refused record
        for (const std::string* bytes : {message, &bare}) {
            if (!bytes) continue;
            auto answer = nlohmann::json::parse(api_device_from_checkin(*bytes, options.dump()).json, nullptr, false);
            Report ignored;
            if (answer.is_object() && answer.contains("message_type"))
                if (auto record = read_device(answer["device"], "", ignored)) return std::move(*record);
        }
    }
    DeviceRecord record;
    record.id = existing ? existing->id : ids.device_id;
    return record;
}

/// Applies one stored event. Returns the device ids to reconcile.
std::vector<std::string> apply_event(ServerContext& ctx, Db& db, const std::string& topic, const nlohmann::json& event,
                                     const nlohmann::json& inner, const plist::Value* payload,
                                     const std::string* payload_bytes, const EventIds& ids) {
    Store& store = *ctx.store;
    if (ids.device_id.empty() || ids.user_channel) return {};
    if (topic == "mdm.Authenticate" || topic == "mdm.TokenUpdate") {
        auto existing = known_device(store, db, ids, payload);
        const bool late = topic == "mdm.Authenticate" && existing && authenticate_arrived_late(store, db, *existing, event);
        const DeviceRecord record =
            record_after_checkin(topic, payload ? payload_bytes : nullptr, existing ? &*existing : nullptr, ids);
        DeviceRow row;
        row.id = record.id;
        row.record = to_json(record).dump();
        row.mdm_id = ids.mdm_id;
        row.enrolled = existing && (topic != "mdm.Authenticate" || late) ? existing->enrolled : false;
        row.updated_at = now_rfc3339();
        store.upsert_device(db, row, record.udid.value_or(""), record.serial_number.value_or(""));
        if (late) return {row.id};  // facts for the enrollment in progress: decide again with them
        if (topic == "mdm.Authenticate" && existing) {
            // A new enrollment starts here. Leaving the previous one removed every MDM-installed profile,
            // so nothing of the old state is on the device any more.
            store.set_enrolled(db, row.id, false);
            forget_installed(store, db, row.id, "device enrolled again");
        }
        if (topic == "mdm.TokenUpdate") {
            store.set_enrolled(db, row.id, true);
            return {row.id};
        }
        return {};
    }
    if (topic == "mdm.CheckOut") {
        auto device = known_device(store, db, ids, payload);
        if (!device) return {};
        store.set_enrolled(db, device->id, false);
        forget_installed(store, db, device->id, "device checked out");
        return {};
    }
    if (topic == "mdm.Connect") {
        std::string uuid = text_of(inner, "command_uuid");
        std::string status = text_of(inner, "status");
        if (payload) {
            if (uuid.empty()) uuid = plist_string(*payload, "CommandUUID");
            if (status.empty()) status = plist_string(*payload, "Status");
        }
        if (uuid.empty() || status == "Idle") return {};
        auto command = store.command(db, uuid);
        if (!command) return {};  // a command someone else sent
        auto a = store.assignment(db, command->device_id, command->policy_id);
        const bool current = a && a->last_command_uuid == uuid;
        if (status == "Acknowledged") {
            store.set_command_status(db, uuid, "acknowledged", "");
            store.set_device_answer(db, uuid, nlohmann::json{{"status", status}}.dump());
            // A DeclarativeManagement acknowledgement only says the device will synchronise; its status
            // report (PUT /dm/status) says whether the identity is installed.
            if (current && command->request_type != "DeclarativeManagement") {
                a->install_attempts = 0;
                a->next_retry_at.reset();
                a->dead = false;
                if (command->request_type == "RemoveProfile") {
                    a->status = "removed";
                    a->installed_payload_uuid.clear();
                    a->installed_version.reset();
                } else {
                    a->status = "installed";
                    a->installed_payload_uuid = a->payload_uuid;
                    a->installed_version = a->desired_version;
                }
                a->last_error.clear();
                store.save_assignment(db, *a);
                // A move between primary and fallback removes the old profile only now (engine.cpp).
                if (command->request_type == "InstallProfile" && holds_fallback_related(store, db, *a))
                    return {command->device_id};
            }
        } else if (status == "Error" || status == "CommandFormatError") {
            std::string error = error_chain_json(payload, status);
            store.set_command_status(db, uuid, "error", error);
            store.set_device_answer(db, uuid, error);
            if (current) {
                a->status = "failed";
                a->last_error = error;
                if (command->request_type == "InstallProfile") {
                    // Retried later with a new CommandUUID, the wait doubling, until the attempts are used up.
                    a->install_attempts += 1;
                    if (a->install_attempts < ctx.config.max_install_attempts) {
                        const double wait = ctx.config.install_retry_seconds *
                                            std::pow(2.0, static_cast<double>(a->install_attempts - 1));
                        a->next_retry_at = now_ms() + static_cast<std::int64_t>(wait * 1000);
                    } else {
                        a->next_retry_at.reset();
                        a->dead = true;
                    }
                }
                store.save_assignment(db, *a);
            }
        } else if (status == "NotNow") {
            // The device will run it later and report again; the assignment stays pending.
            store.set_command_status(db, uuid, "notnow", "");
            store.set_device_answer(db, uuid, nlohmann::json{{"status", status}}.dump());
        }
        return {};
    }
    return {};
}

/// Keeps a rejected event in the journal (redacted when it was JSON at all) so an operator sees what the
/// MDM sent and why it was refused. Best effort: a store failure here changes nothing for the sender.
void journal_rejected(ServerContext& ctx, const std::string& topic, const std::string& reason,
                      const nlohmann::json& event = nullptr) {
    try {
        EventRow row{topic, "", event.is_null() ? std::string() : journal_form(event, nullptr).dump(), "", "rejected",
                     reason, ""};
        ctx.store->transaction([&](Db& db) { ctx.store->insert_event(db, row); });
        log_warn("webhook event rejected", {{"topic", topic}, {"reason", reason}});
    } catch (const std::exception& e) {
        log_error("cannot journal a rejected webhook event", {{"error", e.what()}});
    }
}

}  // namespace

bool mdm_signature_valid(const std::string& key, const std::string& body, const std::string& signature_b64) {
    auto given = crypto::base64_decode(signature_b64);
    auto expected = crypto::hmac_sha256(key, body);
    std::string expected_bytes(reinterpret_cast<const char*>(expected.data()), expected.size());
    if (!given) return false;
    return crypto::constant_time_equal(*given, expected_bytes);
}

WebhookReply handle_mdm_webhook(ServerContext& ctx, const std::string& body, const std::string& signature) {
    auto error = [](int status, const char* code, const std::string& message) {
        return WebhookReply{status, {{"error", {{"code", code}, {"message", message}}}}};
    };
    if (!ctx.config.webhook_hmac_key.empty()) {
        if (signature.empty())
            return error(401, "webhook.signature_missing",
                         "X-Hmac-Signature is required: the base64 HMAC-SHA-256 of the body under the shared key.");
        if (!mdm_signature_valid(ctx.config.webhook_hmac_key, body, signature))
            return error(401, "webhook.signature_invalid",
                         "X-Hmac-Signature does not match the body; check that both sides use the same key.");
    }
    JsonBody parsed = read_json_body(body);
    if (!parsed.value) {
        journal_rejected(ctx, "", parsed.message);
        return error(400, "webhook.invalid_json", parsed.message);
    }
    const nlohmann::json& event = *parsed.value;
    if (auto problems = event_shape_problems(event); !problems.empty()) {
        std::string reason = problems.front().path + ": " + problems.front().message;
        journal_rejected(ctx, text_of(event, "topic"), reason, event);
        nlohmann::json diagnostics = nlohmann::json::array();
        for (const auto& p : problems)
            diagnostics.push_back({{"severity", "error"}, {"code", "webhook.field_type"}, {"path", p.path},
                                   {"message", p.message}});
        return WebhookReply{400, {{"error", {{"code", "webhook.invalid"},
                                             {"message", "The event has a field of the wrong type: " + reason},
                                             {"diagnostics", diagnostics}}}}};
    }
    const std::string topic = event["topic"].get<std::string>();
    const std::string event_id = text_of(event, "event_id");
    nlohmann::json inner = nlohmann::json::object();
    if (auto it = event.find("checkin_event"); it != event.end() && it->is_object()) inner = *it;
    if (auto it = event.find("acknowledge_event"); it != event.end() && it->is_object()) inner = *it;

    std::optional<plist::Value> payload;
    std::optional<std::string> payload_bytes;
    std::string payload_problem;
    if (auto raw = inner.find("raw_payload"); raw != inner.end() && raw->is_string()) {
        if (auto bytes = crypto::base64_decode(raw->get<std::string>())) {
            auto read = plist::read_xml(*bytes);
            payload_bytes = std::move(*bytes);
            if (read.value && read.report.valid()) payload = std::move(read.value);
            else payload_problem = read.report.diagnostics().empty() ? "unreadable plist"
                                                                     : read.report.diagnostics().front().message;
        } else {
            payload_problem = "raw_payload is not base64";
        }
    }
    EventIds ids = ids_of(inner, payload ? &*payload : nullptr);
    const std::string journaled = journal_form(event, payload ? &*payload : nullptr).dump();
    EventRow row{topic, ids.device_id, journaled, event_id, "applied", payload_problem, ""};

    int queued = 0;
    bool duplicate = false;
    try {
        queued = ctx.store->transaction([&](Db& db) {
            // A replayed event (the MDM retries what it thinks was lost) applies once.
            if (ctx.store->event_seen(db, event_id)) {
                duplicate = true;
                return 0;
            }
            ctx.store->insert_event(db, row);
            auto to_reconcile = apply_event(ctx, db, topic, event, inner, payload ? &*payload : nullptr,
                                            payload_bytes ? &*payload_bytes : nullptr, ids);
            int n = to_reconcile.empty() ? 0 : reconcile_devices(ctx, db, to_reconcile);
            // After the profiles: inventory requests and answers (inventory.hpp).
            if (!ids.user_channel) n += after_mdm_event(ctx, db, topic, inner, to_reconcile);
            return n;
        });
    } catch (const DbError& e) {
        if (e.conflict && !event_id.empty()) {
            // Another instance journaled the same event_id at the same moment; it applies it.
            log_info("webhook event already stored", {{"topic", topic}, {"event_id", event_id}});
            return {200, {{"status", "duplicate"}}};
        }
        log_error("cannot store webhook event", {{"topic", topic}, {"error", e.what()}});
        return error(503, "store.unavailable", "The event could not be stored; it was not accepted. Retry later.");
    } catch (const std::exception& e) {
        // The event could not be applied; keep it so nothing the MDM sent is lost, then answer.
        log_error("cannot apply webhook event", {{"topic", topic}, {"device", ids.device_id}, {"error", e.what()}});
        try {
            row.status = "failed";
            row.reason = e.what();
            ctx.store->transaction([&](Db& db) {
                if (!ctx.store->event_seen(db, event_id)) ctx.store->insert_event(db, row);
            });
        } catch (const std::exception& e2) {
            return error(503, "store.unavailable", std::string("The event could not be stored: ") + e2.what());
        }
    }
    if (duplicate) {
        log_info("webhook event already stored", {{"topic", topic}, {"event_id", event_id}});
        return {200, {{"status", "duplicate"}}};
    }
    if (queued > 0) wake_outbox(ctx);
    nlohmann::json fields = {{"topic", topic}, {"device", ids.device_id}, {"commands_queued", queued}};
    if (!payload_problem.empty()) fields["payload_problem"] = payload_problem;
    log_info("webhook event stored", fields);
    return {200, {{"status", "stored"}}};
}

}  // namespace acmepolicy::server
