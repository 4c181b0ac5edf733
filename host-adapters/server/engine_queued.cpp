// Rendering InstallProfile commands that were queued unrendered (CommandRow::policy_version): just before
// their first send (the outbox) or ahead of it in batches (the pre-renderer), always outside the write lock.
#include "server/engine.hpp"

#include <unordered_map>

#include "server/engine_support.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

using namespace engine_support;

namespace {

/// Why the policy row no longer installs the version the command was queued for; nullopt when it does.
std::optional<std::string> version_gone(const CommandRow& command, const std::optional<PolicyRow>& row) {
    if (row && command.policy_version && row->version == *command.policy_version) return std::nullopt;
    return row ? "policy " + command.policy_id + " changed (now version " + std::to_string(row->version) +
                     ") before this command was sent"
               : "policy " + command.policy_id + " was deleted before this command was sent";
}

}  // namespace

std::optional<std::string> Engine::superseded_install(Db& db, const CommandRow& command) {
    if (auto gone = version_gone(command, store_.policy(db, command.policy_id))) return gone;
    auto device_row = store_.device(db, command.device_id);
    if (!device_row || !record_of(*device_row)) return "device " + command.device_id + " has no readable record any more";
    return std::nullopt;
}

Engine::QueuedRender Engine::render_queued_install(Db& db, const CommandRow& command) {
    return std::move(render_queued_installs(db, {command}).front());
}

std::vector<Engine::QueuedRender> Engine::render_queued_installs(Db& db, const std::vector<CommandRow>& commands) {
    return render_queued_installs(read_queued_rows(db, commands), commands);
}

Engine::QueuedRows Engine::read_queued_rows(Db& db, const std::vector<CommandRow>& commands) {
    QueuedRows rows;
    std::vector<std::string> ids;
    ids.reserve(commands.size());
    for (const auto& c : commands) ids.push_back(c.device_id);
    for (auto& row : store_.devices_with_ids(db, ids)) rows.devices.emplace(row.id, std::move(row));
    rows.generations = generations_of(db, ids);
    for (const auto& c : commands)
        if (!rows.policies.count(c.policy_id)) rows.policies.emplace(c.policy_id, store_.policy(db, c.policy_id));
    return rows;
}

std::vector<Engine::QueuedRender> Engine::render_queued_installs(const QueuedRows& rows,
                                                                 const std::vector<CommandRow>& commands) {
    std::vector<QueuedRender> out;
    out.reserve(commands.size());
    for (const auto& command : commands) {
        auto policy = rows.policies.find(command.policy_id);
        auto device = rows.devices.find(command.device_id);
        out.push_back(render_queued(command, policy == rows.policies.end() ? std::nullopt : policy->second,
                                    device == rows.devices.end() ? nullptr : &device->second,
                                    generation_in(rows.generations, command.device_id, command.policy_id)));
    }
    return out;
}

Engine::QueuedRender Engine::render_queued(const CommandRow& command, const std::optional<PolicyRow>& row,
                                           const DeviceRow* device_row, std::int64_t generation) {
    QueuedRender out;
    if (auto gone = version_gone(command, row)) {
        out.outcome = QueuedRender::superseded;
        out.detail = *gone;
        return out;
    }
    std::optional<DeviceRecord> record = device_row ? record_of(*device_row) : std::nullopt;
    if (!record) {
        out.outcome = QueuedRender::superseded;
        out.detail = "device " + command.device_id + " has no readable record any more";
        return out;
    }
    // The first free lane, or the first lane once it is free when every lane is rendering.
    std::unique_lock<std::mutex> lock;
    RendererLane* lane = &renderer_lanes_[0];
    for (auto& candidate : renderer_lanes_) {
        std::unique_lock<std::mutex> attempt(candidate.mutex, std::try_to_lock);
        if (!attempt.owns_lock()) continue;
        lock = std::move(attempt);
        lane = &candidate;
        break;
    }
    if (!lock.owns_lock()) lock = std::unique_lock<std::mutex>(lane->mutex);
    CachedRenderer& slot = lane->by_policy[command.policy_id];
    if (!slot.renderer || slot.version != row->version) {
        StoredPolicy stored = check_stored(*row);
        if (stored.frozen || !stored.check.policy) {
            slot = CachedRenderer{};
            out.outcome = QueuedRender::superseded;
            out.detail = "policy " + command.policy_id + " needs attention: nothing new is installed until it is fixed";
            return out;
        }
        slot.version = row->version;
        slot.policy = std::make_unique<Policy>(std::move(*stored.check.policy));
        slot.renderer = std::make_unique<PolicyRenderer>(*slot.policy, base_);
    }
    CommandInputs inputs;
    inputs.command_uuid = command.command_uuid;
    inputs.random_bytes = random_bytes(48);
    inputs.signing_time = now_ms() / 1000;
    // A renewed certificate's profile carries its renewal generation in its UUIDs, which the shared renderer
    // was prepared without: renewals are rare, so they get a renderer of their own.
    RenderResult rendered;
    if (generation > 0) {
        RenderOptions options = base_;
        options.renewal = generation;
        rendered = PolicyRenderer(*slot.policy, options).render(&*record, RenderFormat::install_command, inputs);
    } else {
        rendered = slot.renderer->render(&*record, RenderFormat::install_command, inputs);
    }
    if (!rendered.ok()) {
        out.outcome = QueuedRender::failed;
        for (const auto& d : rendered.report.diagnostics()) out.diagnostics.push_back(to_json(d));
        out.detail = "cannot render InstallProfile";
        return out;
    }
    out.payload = std::move(rendered.bytes);
    return out;
}

}  // namespace acmepolicy::server
