// DeviceInformation, ProfileList and CertificateList: asked for on a cadence, answers applied.
#include "server/inventory.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "acmepolicy/api.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/plist.hpp"
#include "server/lifecycle_store.hpp"
#include "server/log.hpp"
#include "server/renewal.hpp"

namespace acmepolicy::server {

namespace {

constexpr const char* kInventoryTypes[] = {"DeviceInformation", "ProfileList", "CertificateList"};

std::string text_field(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return {};
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string command_plist(const std::string& request_type, const std::string& command_uuid) {
    plist::Dict command;
    command.emplace_back("RequestType", plist::Value(request_type));
    if (request_type == "DeviceInformation") {
        // What the device record holds and gating reads (OS version, product, supervision), plus what an
        // administrator needs to recognise the device.
        plist::Array queries;
        for (const char* q : {"OSVersion", "BuildVersion", "ProductName", "ModelName", "Model", "SerialNumber", "UDID",
                              "DeviceName", "IsSupervised"})
            queries.emplace_back(plist::Value(q));
        command.emplace_back("Queries", std::move(queries));
    } else {
        // Profiles and certificates an MDM installed: ours are among them; the user's own stay private.
        command.emplace_back("ManagedOnly", true);
    }
    plist::Dict root;
    root.emplace_back("Command", std::move(command));
    root.emplace_back("CommandUUID", plist::Value(command_uuid));
    return plist::write_xml(plist::Value(std::move(root)));
}

std::int64_t interval_ms(const ServerConfig& config) {
    return static_cast<std::int64_t>(config.inventory_interval_hours * 3'600'000.0);
}

/// The next inventory: one interval from now, ±10 % at random so a fleet enrolled together drifts apart.
std::int64_t next_inventory_ms(const ServerConfig& config, std::int64_t now) {
    const std::string bytes = random_bytes(2);
    const double u = (static_cast<unsigned char>(bytes[0]) * 256 + static_cast<unsigned char>(bytes[1])) / 65535.0;
    return now + static_cast<std::int64_t>(static_cast<double>(interval_ms(config)) * (0.9 + 0.2 * u));
}

bool inventory_waiting(Db& db, const std::string& device_id) {
    return !db.query("SELECT 1 FROM commands WHERE device_id = $1 AND status = 'queued' AND request_type IN "
                     "('DeviceInformation', 'ProfileList', 'CertificateList') LIMIT 1",
                     {device_id})
                .empty();
}

const plist::Value* member(const plist::Value* dict, const char* key) { return dict ? dict->find(key) : nullptr; }

/// DeviceInformation: the facts gating reads, merged into the record by the core (api_device_from_checkin:
/// identifiers such as the serial number and UDID are never changed by an answer, so a device's self-report
/// cannot move it onto another record; see the identity rules).
int apply_device_information(ServerContext& ctx, Db& db, const std::string& device_id, const std::string& answer) {
    auto row = ctx.store->device(db, device_id);
    if (!row) return 0;
    auto current = nlohmann::json::parse(row->record, nullptr, false);
    if (!current.is_object()) return 0;
    const ApiResult mapped = api_device_from_checkin(answer, nlohmann::json{{"device", current}}.dump());
    if (mapped.status != ApiStatus::ok) return 0;  // not an answer with QueryResponses, or an unreadable record
    const auto result = nlohmann::json::parse(mapped.json);
    note_inventory_answer(db, device_id, "information", now_ms() / 1000);
    if (!result.value("changed", false)) return 0;
    Report ignored;
    auto record = read_device(result["device"], "", ignored);
    if (!record) return 0;
    log_info("device information updated",
             {{"device", device_id}, {"os_version_before", current.value("os_version", "")},
              {"os_version", record->os_version.value_or("")}});
    row->record = to_json(*record).dump();
    row->updated_at = now_rfc3339();
    ctx.store->upsert_device(db, *row, record->udid.value_or(""), record->serial_number.value_or(""));
    return reconcile_devices(ctx, db, {device_id});
}

/// ProfileList: a profile we believe installed that the list lacks was removed on the device (install it
/// again); ours under another PayloadUUID is what the device has (the plan then updates it). Assignments
/// whose last command is newer than the ProfileList are left alone: the list could not know of it.
int apply_profile_list(ServerContext& ctx, Db& db, const CommandRow& command, const plist::Value& answer) {
    const plist::Value* list = answer.find("ProfileList");
    if (!list || !list->as_array()) return 0;
    std::map<std::string, std::string> on_device;  // PayloadIdentifier → PayloadUUID
    for (const auto& p : *list->as_array()) {
        const auto* id = member(&p, "PayloadIdentifier");
        const auto* uuid = member(&p, "PayloadUUID");
        if (id && id->as_string())
            on_device[*id->as_string()] = uuid && uuid->as_string() ? *uuid->as_string() : std::string();
    }
    note_inventory_answer(db, command.device_id, "profiles", now_ms() / 1000);
    bool changed = false;
    for (auto a : ctx.store->assignments_of_device(db, command.device_id)) {
        if (a.status != "installed" || a.payload_identifier.empty()) continue;
        if (!a.last_command_uuid.empty()) {
            auto last = ctx.store->command(db, a.last_command_uuid);
            if (last && (last->created_seq > command.created_seq || last->request_type == "DeclarativeManagement"))
                continue;  // newer than this list, or delivered declaratively (not a profile)
        }
        auto it = on_device.find(a.payload_identifier);
        if (it == on_device.end()) {
            log_warn("profile missing on the device; installing it again",
                     {{"device", a.device_id}, {"policy", a.policy_id}, {"identifier", a.payload_identifier}});
            a.status = "removed";
            a.payload_uuid.clear();
            a.installed_payload_uuid.clear();
            a.installed_version.reset();
        } else if (!it->second.empty() && it->second != a.installed_payload_uuid) {
            log_warn("the device holds another version of the profile",
                     {{"device", a.device_id}, {"policy", a.policy_id}, {"payload_uuid", it->second},
                      {"expected", a.installed_payload_uuid}});
            a.payload_uuid = it->second;
            a.installed_payload_uuid = it->second;
        } else {
            continue;
        }
        ctx.store->save_assignment(db, a);
        changed = true;
    }
    return changed ? reconcile_devices(ctx, db, {command.device_id}) : 0;
}

std::optional<std::string> raw_payload(const nlohmann::json& inner) {
    auto raw = inner.find("raw_payload");
    if (raw == inner.end() || !raw->is_string()) return std::nullopt;
    return crypto::base64_decode(raw->get<std::string>());
}

}  // namespace

bool is_inventory_request(const std::string& request_type) {
    return std::any_of(std::begin(kInventoryTypes), std::end(kInventoryTypes),
                       [&](const char* t) { return request_type == t; });
}

std::int64_t pace_certificate_command(const ServerConfig& config, std::int64_t now_ms) {
    static std::mutex mutex;
    static std::int64_t next_free = 0;
    const std::int64_t spacing = 60'000 / std::max(1, config.max_commands_per_minute);
    std::lock_guard<std::mutex> lock(mutex);
    const std::int64_t slot = std::max(now_ms, next_free);
    next_free = slot + std::max<std::int64_t>(spacing, 1);
    return slot;
}

int queue_inventory(ServerContext& ctx, Db& db, const std::string& device_id) {
    if (ctx.config.inventory_interval_hours <= 0) return 0;
    auto device = ctx.store->device(db, device_id);
    if (!device || !device->enrolled) return 0;
    const std::int64_t now = now_ms();
    schedule_inventory(db, device_id, next_inventory_ms(ctx.config, now), now);
    if (inventory_waiting(db, device_id)) return 0;  // the last request has not even been sent yet
    int queued = 0;
    for (const char* type : kInventoryTypes) {
        auto uuid = crypto::uuid_v4(random_bytes(16));
        if (!uuid) continue;
        CommandRow command;
        command.command_uuid = *uuid;
        command.device_id = device_id;
        command.request_type = type;
        command.payload = command_plist(type, *uuid);
        ctx.store->insert_command(db, command, pace_certificate_command(ctx.config, now));
        ++queued;
    }
    log_info("inventory requested", {{"device", device_id}, {"commands", queued}});
    return queued;
}

int after_mdm_event(ServerContext& ctx, Db& db, const std::string& topic, const nlohmann::json& inner,
                    const std::vector<std::string>& reconciled) {
    if (topic == "mdm.TokenUpdate") {
        int queued = 0;
        for (const auto& id : reconciled) queued += queue_inventory(ctx, db, id);
        return queued;
    }
    if (topic != "mdm.Connect") return 0;
    auto bytes = raw_payload(inner);
    std::optional<plist::Value> answer;
    if (bytes) {
        auto read = plist::read_xml(*bytes);
        if (read.value && read.report.valid()) answer = std::move(read.value);
    }
    std::string uuid = text_field(inner, "command_uuid");
    std::string status = text_field(inner, "status");
    if (answer) {
        if (uuid.empty())
            if (const auto* v = answer->find("CommandUUID"); v && v->as_string()) uuid = *v->as_string();
        if (status.empty())
            if (const auto* v = answer->find("Status"); v && v->as_string()) status = *v->as_string();
    }
    if (uuid.empty() || status != "Acknowledged") return 0;
    auto command = ctx.store->command(db, uuid);
    if (!command) return 0;
    if (command->request_type == "InstallProfile") {
        // A profile went on: see what the device now has, and the certificate it obtained.
        auto a = ctx.store->assignment(db, command->device_id, command->policy_id);
        if (a && a->last_command_uuid == uuid && a->status == "installed") return queue_inventory(ctx, db, command->device_id);
        return 0;
    }
    if (!answer) return 0;
    if (command->request_type == "DeviceInformation") return apply_device_information(ctx, db, command->device_id, *bytes);
    if (command->request_type == "ProfileList") return apply_profile_list(ctx, db, *command, *answer);
    if (command->request_type == "CertificateList") return apply_certificate_list(ctx, db, command->device_id, *bytes);
    return 0;
}

int lifecycle_pass(ServerContext& ctx) {
    Store& store = *ctx.store;
    int queued = 0;
    if (ctx.config.inventory_interval_hours > 0) {
        const std::int64_t now = now_ms();
        // Devices enrolled before the server asked for inventories: spread over one interval by their id.
        // Rare (a TokenUpdate schedules every new enrollment), so looked for once a minute.
        static std::int64_t last_unscheduled_scan = 0;
        std::vector<std::string> unscheduled;
        if (now - last_unscheduled_scan >= 60'000) {
            last_unscheduled_scan = now;
            unscheduled = store.read_transaction([&](Db& db) { return enrolled_without_inventory(db, 5000); });
        }
        if (!unscheduled.empty())
            store.transaction([&](Db& db) {
                for (const auto& id : unscheduled) {
                    const auto spread = std::max<std::int64_t>(1, interval_ms(ctx.config));
                    const auto offset = static_cast<std::int64_t>(renewal_jitter(id, spread));
                    schedule_inventory(db, id, now + offset, std::nullopt);
                }
            });
        for (const auto& id : store.read_transaction([&](Db& db) { return inventory_due(db, now, 100); }))
            queued += store.transaction([&](Db& db) {
                // One instance asks; queue_inventory schedules the next time properly.
                if (!claim_due_inventory(db, id, now, next_inventory_ms(ctx.config, now))) return 0;
                return queue_inventory(ctx, db, id);
            });
    }
    queued += renewal_pass(ctx);
    return queued;
}

}  // namespace acmepolicy::server
