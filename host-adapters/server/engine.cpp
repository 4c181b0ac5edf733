// Reconciliation and rendering through the core; the store supplies data and receives the outcome.
#include "server/engine.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include "acmepolicy/api.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/delivery.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/plan.hpp"
#include "acmepolicy/plist.hpp"
#include "acmepolicy/resolve.hpp"
#include "server/asset_links.hpp"
#include "server/clock.hpp"
#include "server/engine_support.hpp"
#include "server/lifecycle_store.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

std::int64_t now_ms() { return clock_now_ms(); }

using namespace engine_support;

namespace {

struct LoadedPolicies {
    std::vector<PolicyRow> rows;
    std::vector<PolicyCheck> checks;
    std::set<std::string> frozen;  // ids of policies invalid even as accepted: their profiles stay
};

LoadedPolicies load_policies(Store& store, Db& db, const Engine& engine) {
    LoadedPolicies out;
    out.rows = store.policies(db);
    out.checks.reserve(out.rows.size());
    for (const auto& row : out.rows) {
        StoredPolicy stored = engine.check_stored(row);
        if (stored.frozen) out.frozen.insert(row.id);
        out.checks.push_back(std::move(stored.check));
    }
    return out;
}

/// Findings that make an accepted policy need attention: any error, and a CA certificate expiring soon.
bool needs_attention_for(const Diagnostic& d) {
    return d.severity == Severity::error || d.code == "cacertificates.expiring";
}

/// A fleet-wide edit reconciles every device: read them (and their groups below) a few hundred per query.
constexpr std::size_t kChunk = 500;

template <typename Each>
void in_chunks(const std::vector<std::string>& ids, const Each& each) {
    for (std::size_t at = 0; at < ids.size(); at += kChunk)
        each(std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(at),
                                      ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + kChunk))));
}

/// The rows of the devices among `device_ids` that exist, in the order of `device_ids`.
std::vector<DeviceRow> device_rows(Store& store, Db& db, const std::vector<std::string>& device_ids) {
    std::unordered_map<std::string, DeviceRow> found;
    in_chunks(device_ids, [&](const std::vector<std::string>& chunk) {
        for (auto& row : store.devices_with_ids(db, chunk)) found.emplace(row.id, std::move(row));
    });
    std::vector<DeviceRow> rows;
    rows.reserve(found.size());
    for (const auto& id : device_ids)  // in the caller's order
        if (auto it = found.find(id); it != found.end()) rows.push_back(std::move(it->second)), found.erase(it);
    return rows;
}

/// The inventory of these device rows (all devices when `all`) and the groups they belong to.
Inventory inventory_of(Store& store, Db& db, const std::vector<DeviceRow>& rows, bool all) {
    std::vector<DeviceRecord> records;
    std::set<std::string> present;
    for (const auto& row : rows) {
        if (auto record = record_of(row)) {
            present.insert(record->id);
            records.push_back(std::move(*record));
        }
    }
    std::vector<GroupSpec> groups;
    if (!all) {
        // Only the groups these devices belong to, with only these members: a webhook event then costs the
        // same whatever the size of the fleet's groups.
        std::map<std::string, GroupSpec> by_id;
        in_chunks(std::vector<std::string>(present.begin(), present.end()), [&](const std::vector<std::string>& chunk) {
            for (auto& [device, group, name] : store.memberships_of(db, chunk)) {
                auto& spec = by_id[group];
                spec.id = group;
                spec.name = std::move(name);
                spec.device_ids.push_back(std::move(device));
            }
        });
        for (auto& [id, spec] : by_id) {
            std::sort(spec.device_ids.begin(), spec.device_ids.end());  // as one query per device gave them
            groups.push_back(std::move(spec));
        }
    } else {
        for (auto& g : store.groups(db)) groups.push_back(GroupSpec{g.id, g.name, std::move(g.devices)});
    }
    Report ignored;  // members outside this slice are left out on purpose
    return Inventory::build(std::move(records), std::move(groups), ignored);
}

/// The inventory of `device_ids` (every device when null) and the groups they belong to.
Inventory load_inventory(Store& store, Db& db, const std::vector<std::string>* device_ids) {
    if (!device_ids) return inventory_of(store, db, store.devices(db), true);
    return inventory_of(store, db, device_rows(store, db, *device_ids), false);
}

/// A profile a device has or is getting, as the plan must see it: queued or failed installs count as
/// present so that an unchanged policy is not sent again; a queued removal counts as gone.
bool counts_as_installed(const AssignmentRow& a) {
    return (a.status == "installed" || a.status == "pending" || a.status == "failed") &&
           !a.payload_identifier.empty() && !a.payload_uuid.empty();
}

/// Whether the profile of this assignment went out in the declarative form (its last command was the
/// DeclarativeManagement that announced it), so that its removal goes the same way.
bool delivered_declaratively(Store& store, Db& db, const AssignmentRow& a) {
    if (a.last_command_uuid.empty()) return false;
    auto command = store.command(db, a.last_command_uuid);
    return command && command->request_type == "DeclarativeManagement";
}

/// RemoveProfile naming the identifier the device has, which the state holds, rendered by the core's facade
/// from that identifier alone (bytes empty when it cannot be).
RenderResult remove_profile_command(const std::string& identifier, const RenderOptions& options) {
    const ApiResult answer = api_render_remove_command(
        nlohmann::json{{"payload_identifier", identifier}, {"command_uuid", options.command_uuid.value_or("")}}.dump());
    RenderResult rendered;
    if (answer.status == ApiStatus::ok) rendered.bytes = answer.bytes;
    else rendered.report.error("render.identifier_invalid", "", answer.json);
    return rendered;
}

/// The targets and fallback of a stored document, as the core reads them (api_policy_targets): what could be
/// read even when the document no longer validates.
nlohmann::json targets_of(const std::string& document) {
    auto answer = nlohmann::json::parse(api_policy_targets(document).json, nullptr, false);
    return answer.is_object() ? answer : nlohmann::json::object();
}

/// A device moving between a primary and its fallback keeps the old profile (and its identity) until the
/// new one is installed: true while a fallback-related policy of the device is being installed now, or is
/// still pending or failed (and not itself being removed). The device's acknowledgement reconciles it again
/// (mdm_webhook.cpp).
bool replacement_pending(const std::vector<PolicyRow>& policies,
                         const std::map<std::pair<std::string, std::string>, AssignmentRow>& current,
                         const std::set<std::pair<std::string, std::string>>& installing,
                         const std::set<std::pair<std::string, std::string>>& removing, const std::string& device,
                         const std::string& removed) {
    for (const auto& [key, other] : installing)
        if (key == device && fallback_related(policies, removed, other)) return true;
    for (const auto& [key, a] : current) {
        if (key.first != device || key.second == removed || removing.count(key) ||
            !fallback_related(policies, removed, key.second))
            continue;
        if (a.status == "pending" || a.status == "failed") return true;
    }
    return false;
}

std::string new_command_uuid() {
    auto uuid = crypto::uuid_v4(random_bytes(16));
    return uuid ? *uuid : std::string();
}

}  // namespace

PolicyCheck Engine::check(const std::string& document_text) const {
    return check_policy(std::string_view(document_text), ValidationOptions{clock_now_ms() / 1000});
}

StoredPolicy Engine::check_stored(const PolicyRow& row) const {
    StoredPolicy out;
    out.check = check(row.document);
    for (const auto& d : out.check.report.diagnostics()) {
        if (!needs_attention_for(d)) continue;
        nlohmann::json finding = to_json(d);
        finding["severity"] = "warning";
        out.attention.push_back(std::move(finding));
    }
    out.needs_attention = !out.attention.empty();
    if (out.check.report.valid() && out.check.policy) return out;
    // Invalid today. Without the clock (validity periods unchecked) it is the document that was accepted;
    // acting on that keeps every installed profile in force.
    PolicyCheck timeless = check_policy(std::string_view(row.document), ValidationOptions{});
    if (timeless.report.valid() && timeless.policy) {
        out.check = std::move(timeless);
    } else {
        out.frozen = true;
    }
    return out;
}

int Engine::reconcile(Db& db, std::vector<std::string> device_ids) {
    std::sort(device_ids.begin(), device_ids.end());
    device_ids.erase(std::unique(device_ids.begin(), device_ids.end()), device_ids.end());
    std::vector<DeviceRow> rows = device_rows(store_, db, device_ids);
    // Only enrolled devices can receive commands; the others are planned as if absent from the inventory.
    // Each device is read and parsed once: a fleet-wide edit reconciles every device.
    std::set<std::string> enrolled;
    for (const auto& row : rows)
        if (row.enrolled) enrolled.insert(row.id);
    if (enrolled.empty()) return 0;
    rows.erase(std::remove_if(rows.begin(), rows.end(), [](const DeviceRow& row) { return !row.enrolled; }), rows.end());
    const Inventory inventory = inventory_of(store_, db, rows, false);
    rows.clear();
    LoadedPolicies policies = load_policies(store_, db, *this);
    Resolution resolution = resolve(inventory, policies.checks);

    State state;
    std::map<std::pair<std::string, std::string>, AssignmentRow> current;
    for (const auto& id : enrolled) {
        for (auto& a : store_.assignments_of_device(db, id)) {
            if (counts_as_installed(a))
                state.profiles.push_back({a.device_id, a.policy_id, {a.payload_identifier, a.payload_uuid}});
            current[{a.device_id, a.policy_id}] = std::move(a);
        }
    }
    state.normalize();

    RenderOptions options = base_;
    // A renewed certificate's profile carries its renewal generation, so its UUIDs differ from the last ones.
    const auto generations = generations_of(db, {enrolled.begin(), enrolled.end()});
    Plan planned = plan(inventory, policies.checks, resolution, state,
                        [&](const PlanPair& pair, Report& report) -> std::optional<ProfileIdentity> {
                            RenderOptions pair_options = options;
                            pair_options.renewal = generation_in(generations, pair.device.id, pair.policy.id);
                            ProfileIdentity identity = profile_identity(pair.policy, pair.device, pair_options, &report);
                            if (identity.payload_uuid.empty()) return std::nullopt;
                            return identity;
                        });
    for (const auto& d : planned.diagnostics.diagnostics())
        log_warn("reconciliation skipped a device", {{"code", d.code}, {"path", d.path}, {"message", d.message}});

    int queued = 0;
    const std::int64_t due = now_ms();
    std::set<std::pair<std::string, std::string>> installing, removing;  // (device, policy) in this plan
    for (const auto& action : planned.actions)
        (action.kind == PlanActionKind::remove ? removing : installing).insert({action.device_id, action.policy_id});
    for (const auto& action : planned.actions) {
        if (action.kind == PlanActionKind::remove && policies.frozen.count(action.policy_id)) {
            // Only an admin's edit, unassignment or delete removes a profile; an invalid policy never does.
            log_warn("profile kept: its policy needs attention",
                     {{"device", action.device_id}, {"policy", action.policy_id}});
            continue;
        }
        if (action.kind == PlanActionKind::remove &&
            replacement_pending(policies.rows, current, installing, removing, action.device_id, action.policy_id)) {
            log_info("removal waits for the replacement to be installed",
                     {{"device", action.device_id}, {"policy", action.policy_id}});
            continue;
        }
        auto key = std::make_pair(action.device_id, action.policy_id);
        AssignmentRow a;
        if (auto it = current.find(key); it != current.end()) a = it->second;
        a.device_id = action.device_id;
        a.policy_id = action.policy_id;
        RenderOptions command_options = options;
        command_options.command_uuid = new_command_uuid();
        command_options.random_bytes = random_bytes(48);
        command_options.signing_time = due / 1000;
        command_options.renewal = generation_in(generations, action.device_id, action.policy_id);
        RenderResult rendered;
        bool deferred = false;
        const PolicyRow* policy_row = nullptr;
        const Policy* policy = nullptr;
        for (std::size_t i = 0; i < policies.rows.size(); ++i) {
            if (policies.rows[i].id == action.policy_id && policies.checks[i].policy) {
                policy_row = &policies.rows[i];
                policy = &*policies.checks[i].policy;
                break;
            }
        }
        auto device_index = inventory.find_device(action.device_id);
        const bool declarative =
            action.kind == PlanActionKind::remove
                ? delivered_declaratively(store_, db, a)
                : policy && device_index && choose_delivery(*policy, inventory.devices()[*device_index]).declarative;
        if (declarative) {
            // The device fetches its declarations itself (see declarative.cpp): tell it to synchronise.
            rendered.bytes = render_declarative_management_command(*command_options.command_uuid);
            if (action.kind == PlanActionKind::remove) {
                // Mid-way from the profile to the declarative form: the profile goes too.
                if (!a.replaced_profile.empty())
                    queued += queue_profile_removal(db, a.device_id, a.policy_id, a.replaced_profile);
                a.replaced_profile.clear();
                a.status = "removing";
                a.payload_uuid.clear();
            } else {
                a.status = "pending";
                a.desired_version = policy_row->version;
                a.payload_identifier = action.payload_identifier;
                a.payload_uuid = action.payload_uuid.value_or("");
                a.last_error.clear();
            }
        } else if (action.kind == PlanActionKind::remove) {
            rendered = remove_profile_command(action.payload_identifier, command_options);
            if (!rendered.ok()) {
                log_error("cannot render RemoveProfile", {{"device", action.device_id}, {"policy", action.policy_id},
                                                           {"identifier", action.payload_identifier}});
                continue;
            }
            a.status = "removing";
            a.payload_uuid.clear();
        } else {
            if (!policy || !device_index) continue;
            // Queued as the policy version it installs; the outbox renders and signs it just before the first
            // send (render_queued_install), outside this transaction and its write lock.
            deferred = true;
            a.status = "pending";
            if (a.desired_version != policy_row->version) {
                // A new version (an admin's edit) starts a fresh series of install attempts.
                a.install_attempts = 0;
                a.dead = false;
                a.next_retry_at.reset();
            }
            a.desired_version = policy_row->version;
            a.payload_identifier = action.payload_identifier;
            a.payload_uuid = action.payload_uuid.value_or("");
            a.last_error.clear();
        }
        CommandRow command;
        command.command_uuid = *command_options.command_uuid;
        command.device_id = action.device_id;
        command.policy_id = action.policy_id;
        command.request_type = declarative ? "DeclarativeManagement"
                               : action.kind == PlanActionKind::remove ? "RemoveProfile"
                                                                       : "InstallProfile";
        command.payload = rendered.bytes;
        if (deferred) command.policy_version = policy_row->version;
        store_.insert_command(db, command, due);
        a.last_command_uuid = command.command_uuid;
        store_.save_assignment(db, a);
        ++queued;
        log_info("command queued", {{"command_uuid", command.command_uuid}, {"device", action.device_id},
                                     {"policy", action.policy_id}, {"request_type", command.request_type},
                                     {"action", to_string(action.kind)}});
    }
    queued += move_to_declarative(db, inventory, policies.rows, policies.checks, resolution, planned, current, due);
    return queued;
}

int Engine::move_to_declarative(Db& db, const Inventory& inventory, const std::vector<PolicyRow>& rows,
                                const std::vector<PolicyCheck>& checks, const Resolution& resolution,
                                const Plan& planned, const std::map<std::pair<std::string, std::string>, AssignmentRow>& current,
                                std::int64_t due) {
    std::set<std::pair<std::string, std::string>> acted;
    for (const auto& action : planned.actions) acted.insert({action.device_id, action.policy_id});
    int queued = 0;
    for (const auto& pr : resolution.policies) {
        const PolicyCheck& check = checks[pr.policy_index];
        if (!check.policy) continue;
        for (const auto& inc : pr.included) {
            const DeviceRecord& device = inventory.devices()[inc.device];
            const auto key = std::make_pair(device.id, rows[pr.policy_index].id);
            auto it = current.find(key);
            if (it == current.end() || acted.count(key)) continue;
            AssignmentRow a = it->second;
            // An installed profile whose device now takes the declarative form (an OS update under "auto").
            if (a.status != "installed" || !a.replaced_profile.empty() || delivered_declaratively(store_, db, a) ||
                !choose_delivery(*check.policy, device).declarative)
                continue;
            CommandRow command;
            command.command_uuid = new_command_uuid();
            command.device_id = a.device_id;
            command.policy_id = a.policy_id;
            command.request_type = "DeclarativeManagement";
            command.payload = render_declarative_management_command(command.command_uuid);
            store_.insert_command(db, command, due);
            // The profile stays until the declarative identity is reported active (apply_status in
            // declarative.cpp removes it then): the device is never without its identity.
            a.replaced_profile = a.payload_identifier;
            a.status = "pending";
            a.last_command_uuid = command.command_uuid;
            store_.save_assignment(db, a);
            ++queued;
            log_info("moving to the declarative form", {{"device", a.device_id}, {"policy", a.policy_id},
                                                         {"command_uuid", command.command_uuid},
                                                         {"profile_kept_until_active", a.replaced_profile}});
        }
    }
    return queued;
}

int Engine::queue_profile_removal(Db& db, const std::string& device_id, const std::string& policy_id,
                                  const std::string& identifier) {
    RenderOptions options = base_;
    CommandRow command;
    command.command_uuid = new_command_uuid();
    options.command_uuid = command.command_uuid;
    RenderResult rendered = remove_profile_command(identifier, options);
    if (!rendered.ok()) {
        log_error("cannot render RemoveProfile", {{"device", device_id}, {"policy", policy_id}, {"identifier", identifier}});
        return 0;
    }
    command.device_id = device_id;
    command.policy_id = policy_id;
    command.request_type = "RemoveProfile";
    command.payload = std::move(rendered.bytes);
    // Not the assignment's last command: its acknowledgement must not mark the assignment removed.
    store_.insert_command(db, command, now_ms());
    log_info("command queued", {{"command_uuid", command.command_uuid}, {"device", device_id}, {"policy", policy_id},
                                 {"request_type", command.request_type}, {"action", "remove replaced profile"}});
    return 1;
}

namespace {

/// The devices one policy document targets (groups' members and devices) and those holding state for it.
void add_devices_of(Store& store, Db& db, const std::string& document, const std::string& policy_id,
                    std::set<std::string>& out) {
    const nlohmann::json targets = targets_of(document).value("targets", nlohmann::json::object());
    for (const auto& id : targets.value("devices", std::vector<std::string>{})) out.insert(id);
    for (const auto& id : targets.value("device_groups", std::vector<std::string>{}))
        if (auto group = store.group(db, id)) out.insert(group->devices.begin(), group->devices.end());
    for (const auto& a : store.assignments_of_policy(db, policy_id)) out.insert(a.device_id);
}

}  // namespace

std::vector<std::string> Engine::devices_of_policy(Db& db, const std::string& document, const std::string& policy_id) {
    std::set<std::string> out;
    add_devices_of(store_, db, document, policy_id, out);
    // A fallback receives the devices its primaries hand over: those primaries' devices concern it too.
    for (const auto& primary : primaries_of(store_.policies(db), policy_id))
        add_devices_of(store_, db, primary.document, primary.id, out);
    return {out.begin(), out.end()};
}

std::shared_ptr<const nlohmann::json> Engine::fleet_resolution(Db& db) {
    const std::int64_t generation = store_.inventory_generation(db);
    const std::int64_t minute = clock_now_ms() / 60000;  // validity periods are checked against the clock
    auto cached = [&]() -> std::shared_ptr<const nlohmann::json> {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        if (cached_resolution_ && cached_generation_ == generation && cached_minute_ == minute) return cached_resolution_;
        return nullptr;
    };
    if (auto hit = cached()) return hit;
    // One reader computes a fleet's resolution at a time; the others wait for it and take the result
    // rather than each resolving 100,000 devices at once after an edit.
    std::lock_guard<std::mutex> computing(resolution_compute_mutex_);
    if (auto hit = cached()) return hit;
    Inventory inventory = load_inventory(store_, db, nullptr);
    LoadedPolicies policies = load_policies(store_, db, *this);
    Resolution resolved = resolve(inventory, policies.checks);
    auto out = std::make_shared<nlohmann::json>(to_json(inventory, policies.checks, resolved));
    std::map<std::string, const Policy*> typed;
    for (std::size_t i = 0; i < policies.rows.size(); ++i)
        if (policies.checks[i].policy) typed[policies.rows[i].id] = &*policies.checks[i].policy;
    auto* list = out->is_object() && out->contains("policies") ? &(*out)["policies"] : nullptr;
    if (list && list->is_array()) {
        for (auto& p : *list) {
            if (!p.contains("included") || !p["included"].is_array()) continue;
            auto policy = typed.find(p.value("id", ""));
            if (policy == typed.end()) continue;
            for (auto& inc : p["included"]) {
                // Which form the device receives, and why (the core's choice).
                auto device = inventory.find_device(inc.value("device", ""));
                if (!device) continue;
                DeliveryChoice choice = choose_delivery(*policy->second, inventory.devices()[*device]);
                inc["delivery"] = choice.declarative ? "declarative" : "profile";
                inc["delivery_reason"] = choice.reason;
            }
        }
    }
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (generation >= cached_generation_) {
        cached_resolution_ = out;
        cached_generation_ = generation;
        cached_minute_ = minute;
    }
    return out;
}

nlohmann::json Engine::device_fallbacks(Db& db, const std::string& device_id) {
    nlohmann::json out = nlohmann::json::array();
    std::vector<std::string> ids{device_id};
    Inventory inventory = load_inventory(store_, db, &ids);
    if (!inventory.find_device(device_id)) return out;
    LoadedPolicies policies = load_policies(store_, db, *this);
    const nlohmann::json resolved = to_json(inventory, policies.checks, resolve(inventory, policies.checks));
    for (const auto& p : resolved.value("policies", nlohmann::json::array()))
        for (const auto& moved : p.value("included_via_fallback", nlohmann::json::array()))
            out.push_back({{"primary", p.value("id", "")}, {"policy", moved.value("policy", "")},
                           {"reason", moved.value("reason", "")}, {"message", moved.value("message", "")}});
    return out;
}

std::vector<Engine::Declarative> Engine::declarative_for(Db& db, const std::string& device_id) {
    std::vector<Declarative> out;
    auto row = store_.device(db, device_id);
    if (!row || !row->enrolled) return out;
    std::vector<std::string> ids{device_id};
    Inventory inventory = load_inventory(store_, db, &ids);
    auto index = inventory.find_device(device_id);
    if (!index) return out;
    const DeviceRecord& device = inventory.devices()[*index];
    LoadedPolicies policies = load_policies(store_, db, *this);
    Resolution resolution = resolve(inventory, policies.checks);
    for (const auto& pr : resolution.policies) {
        const PolicyCheck& check = policies.checks[pr.policy_index];
        if (!check.policy) continue;
        bool included = false;
        for (const auto& inc : pr.included) included = included || inc.device == *index;
        if (!included || !choose_delivery(*check.policy, device).declarative) continue;
        Declarative d;
        d.policy_id = policies.rows[pr.policy_index].id;
        d.policy_updated_at = policies.rows[pr.policy_index].updated_at;
        RenderOptions options = base_;
        if (!asset_link_key_.empty())
            options.ddm_data_url_query =
                asset_link_query(asset_link_key_, d.policy_id, device_id,
                                 asset_link_expiry(clock_now_ms() / 1000, asset_link_period_));
        // A renewed credential is a changed declaration (RenderOptions::renewal): the device enrols again.
        options.renewal = generation_in(generations_of(db, {device_id}), device_id, d.policy_id);
        d.rendered = render(*check.policy, &device, RenderFormat::ddm, options);
        if (d.rendered.ok()) out.push_back(std::move(d));
        else log_warn("cannot render the declarative credential", {{"device", device_id}, {"policy", d.policy_id}});
    }
    return out;
}

std::optional<RenderResult> Engine::render_for(Db& db, const std::string& policy_id, const std::string& device_id,
                                               RenderFormat format) {
    auto row = store_.policy(db, policy_id);
    auto device_row = store_.device(db, device_id);
    if (!row || !device_row) return std::nullopt;
    PolicyCheck checked = check_stored(*row).check;
    auto record = record_of(*device_row);
    if (!checked.policy || !record) return std::nullopt;
    RenderOptions options = base_;
    options.signing_time = now_ms() / 1000;
    options.random_bytes = random_bytes(48);
    options.renewal = generation_in(generations_of(db, {device_id}), device_id, policy_id);
    return render(*checked.policy, &*record, format, options);
}

}  // namespace acmepolicy::server
