// The bridge between the store and the core: the core validates, resolves, plans and renders; this file
// only loads what the store holds into the core's types and writes the outcome (commands, state) back.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/inventory.hpp"
#include "acmepolicy/plan.hpp"
#include "acmepolicy/render.hpp"
#include "acmepolicy/resolve.hpp"
#include "acmepolicy/validate.hpp"
#include "server/store.hpp"

namespace acmepolicy::server {

/// How the server holds a stored policy at this moment. A policy accepted on write stays in force as
/// accepted: findings that appear later (a CA certificate expired or expiring, a rule a newer core added)
/// never remove its profiles; they become `attention` warnings and the policy `needs_attention`.
struct StoredPolicy {
    PolicyCheck check;  // what resolution and planning use (the check without the clock when only time made
                        // the document invalid)
    bool needs_attention = false;
    bool frozen = false;  // invalid even without the clock: nothing new is installed, nothing is removed
    nlohmann::json attention = nlohmann::json::array();  // today's findings, each with severity "warning"
};

/// The policies whose fallback chain (one level or more) leads to `policy_id`, by document; cycles are
/// followed once. See engine_fallback.cpp.
std::vector<PolicyRow> primaries_of(const std::vector<PolicyRow>& policies, const std::string& policy_id);

/// True when one of the two policies is on the other's fallback chain (a device can move between them).
bool fallback_related(const std::vector<PolicyRow>& policies, const std::string& a, const std::string& b);

/// True when the device of `installed` (just acknowledged) still has the profile of a policy fallback-related
/// to it installed: the removal that waited for this install can go now (reconcile the device).
bool holds_fallback_related(Store& store, Db& db, const AssignmentRow& installed);

class Engine {
public:
    /// `base` carries the identifier prefix, client-token secret, signing identity and DDM base URL.
    Engine(Store& store, RenderOptions base) : store_(store), base_(std::move(base)) {}

    /// Validates one policy document with the core (no clock: validity-period checks use `now`).
    PolicyCheck check(const std::string& document_text) const;
    /// The check of a stored policy under the freeze rule (see StoredPolicy).
    StoredPolicy check_stored(const PolicyRow& row) const;

    /// Brings the given devices to what the policies say: resolves and plans with the core, queues the
    /// InstallProfile/RemoveProfile commands in the outbox and records the assignment state. Runs inside the
    /// caller's transaction. Devices that are not enrolled get nothing. Returns the number of commands queued.
    int reconcile(Db& db, std::vector<std::string> device_ids);

    /// Queues RemoveProfile for the profile `identifier` of `policy_id` on `device_id` without making it the
    /// assignment's command (used when the declarative form has replaced that profile). Returns 1 when queued.
    int queue_profile_removal(Db& db, const std::string& device_id, const std::string& policy_id,
                              const std::string& identifier);

    /// Every device a policy concerns right now: its targets (groups' members and devices) and the devices
    /// holding state for it, the targets read by the core (api_policy_targets) from the document's text. Used
    /// to reconcile only what an edit affects.
    std::vector<std::string> devices_of_policy(Db& db, const std::string& document, const std::string& policy_id);

    /// The core's resolution of every stored policy against every stored device, as public JSON
    /// (docs/assignment.md), with each included device's "status" from the assignment state.
    nlohmann::json resolution(Db& db);

    /// Per policy id: {targeted, included, excluded} from the core's resolution and {installed, pending,
    /// failed} from the status of each included device (a device with no assignment yet is pending); the
    /// same numbers resolution() gives, without building its document.
    std::map<std::string, nlohmann::json> policy_counts(Db& db);

    /// Walks the fleet's resolution without building resolution()'s document: `visit(policy, device, status)`
    /// for every included device (its assignment status, "pending" when it has none) and with a null status
    /// for every excluded one.
    void visit_resolution(Db& db,
                          const std::function<void(const std::string&, const std::string&, const std::string*)>& visit);

    /// The counts of one policy entry of resolution() (its "included" entries carrying "status").
    static nlohmann::json counts_of(const nlohmann::json& policy_entry);

    /// The fallbacks `device_id` receives instead of a primary, as [{"primary", "policy" (the fallback it
    /// receives), "reason" (the fallback condition), "message"}], by primary id; [] for an unknown device.
    nlohmann::json device_fallbacks(Db& db, const std::string& device_id);

    /// Renders a stored policy for a stored device ("mobileconfig" or "ddm"); signed when the server has a
    /// signing identity. nullopt when the policy or device does not exist.
    std::optional<RenderResult> render_for(Db& db, const std::string& policy_id, const std::string& device_id,
                                           RenderFormat format);

    /// One policy a device receives in the declarative form, rendered for it (RenderFormat::ddm).
    struct Declarative {
        std::string policy_id;
        std::string policy_updated_at;
        RenderResult rendered;
    };
    /// Every policy that includes the enrolled device `device_id` and is delivered to it declaratively
    /// (the core's choose_delivery), rendered with the server's options, by policy id. Empty for a device
    /// that is unknown or not enrolled.
    std::vector<Declarative> declarative_for(Db& db, const std::string& device_id);

    /// What the outbox sends for an InstallProfile queued unrendered (CommandRow::policy_version).
    struct QueuedRender {
        enum Outcome { ready, superseded, failed } outcome = ready;
        std::string payload;  // ready: the command's bytes (signed when the server signs)
        std::string detail;   // superseded/failed: why, in a sentence
        nlohmann::json diagnostics = nlohmann::json::array();  // failed: the core's render diagnostics
    };
    /// Renders (and signs) the queued InstallProfile `command` for its device with the policy version it was
    /// queued for; `superseded` when that version, the policy or the device record is gone (a newer command
    /// or removal took its place) or the policy is frozen. Reads through `db` (a read transaction is
    /// enough); one renderer per policy version, so the signing key is loaded once per version.
    QueuedRender render_queued_install(Db& db, const CommandRow& command);
    /// render_queued_install for a batch (the pre-renderer's): the devices and renewal generations are read
    /// in one query each. One answer per command, in order.
    std::vector<QueuedRender> render_queued_installs(Db& db, const std::vector<CommandRow>& commands);
    /// What rendering a batch of queued installs reads from the store: their devices, renewal generations
    /// and policy rows.
    struct QueuedRows {
        std::unordered_map<std::string, DeviceRow> devices;  // by id
        std::map<std::pair<std::string, std::string>, std::int64_t> generations;  // (device, policy) renewed
        std::unordered_map<std::string, std::optional<PolicyRow>> policies;      // by id; nullopt: deleted
    };
    /// The first half of render_queued_installs: the reads, in one snapshot (a read transaction is enough).
    QueuedRows read_queued_rows(Db& db, const std::vector<CommandRow>& commands);
    /// The second half: renders and signs from rows read before, without a connection, so a batch's
    /// CPU-bound part holds no database connection. Thread-safe: concurrent callers render with renderers
    /// of their own (up to kRendererLanes at once, then they wait for one).
    std::vector<QueuedRender> render_queued_installs(const QueuedRows& rows, const std::vector<CommandRow>& commands);
    /// Why a queued InstallProfile must not be sent any more (its policy version, the policy or the device
    /// record is gone), or nullopt when it may. For commands rendered ahead of their first send.
    std::optional<std::string> superseded_install(Db& db, const CommandRow& command);

    const RenderOptions& base_options() const { return base_; }

    /// Makes declarative_for() point each credential asset at a signed, expiring link (asset_links.hpp)
    /// instead of the auth proxy. Call before serving.
    void set_asset_links(std::string key, std::int64_t period_seconds) {
        asset_link_key_ = std::move(key);
        asset_link_period_ = period_seconds;
    }

private:
    /// Installed profiles of devices that now take the declarative form: a DeclarativeManagement command
    /// each, the profile kept (AssignmentRow::replaced_profile) until the declarative identity is active.
    int move_to_declarative(Db& db, const Inventory& inventory, const std::vector<PolicyRow>& rows,
                            const std::vector<PolicyCheck>& checks, const Resolution& resolution, const Plan& planned,
                            const std::map<std::pair<std::string, std::string>, AssignmentRow>& current,
                            std::int64_t due);

    /// The part of resolution() that depends only on policies, devices, groups and the minute: reused
    /// while the store's inventory generation and the minute stay the same. Built inside the caller's
    /// transaction, so the generation and the data come from one snapshot.
    std::shared_ptr<const nlohmann::json> fleet_resolution(Db& db);
    /// Per policy of one fleet resolution: its included devices as a set (views into the resolution, which
    /// the index keeps alive) and its list sizes. Built once per resolution, for policy_counts().
    struct IncludedIndex {
        struct Entry {
            std::unordered_set<std::string_view> devices;
            std::size_t included = 0, excluded = 0, moved = 0;
        };
        std::shared_ptr<const nlohmann::json> resolution;
        std::unordered_map<std::string, Entry> by_policy;
    };
    std::shared_ptr<const IncludedIndex> included_index(const std::shared_ptr<const nlohmann::json>& resolution);

    Store& store_;
    RenderOptions base_;
    std::string asset_link_key_;
    std::int64_t asset_link_period_ = 0;
    std::mutex cache_mutex_;
    std::mutex resolution_compute_mutex_;  // held while a fleet resolution is computed (fleet_resolution)
    std::shared_ptr<const nlohmann::json> cached_resolution_;
    std::int64_t cached_generation_ = -1;
    std::int64_t cached_minute_ = -1;
    std::shared_ptr<const IncludedIndex> cached_index_;
    std::shared_ptr<const nlohmann::json> cached_index_for_;

    struct CachedRenderer {
        std::int64_t version = -1;
        std::unique_ptr<Policy> policy;  // the renderer reads it; kept at a stable address
        std::unique_ptr<PolicyRenderer> renderer;
    };
    /// Renders one queued install from rows already read (render_queued_install(s)).
    QueuedRender render_queued(const CommandRow& command, const std::optional<PolicyRow>& policy,
                               const DeviceRow* device, std::int64_t generation);

    /// PolicyRenderer is not thread-safe: each lane holds its own renderers, and a render takes the first
    /// free lane, so the outbox and the pre-renderer's threads render side by side.
    static constexpr std::size_t kRendererLanes = 4;
    struct RendererLane {
        std::mutex mutex;
        std::map<std::string, CachedRenderer> by_policy;  // by policy id
    };
    std::array<RendererLane, kRendererLanes> renderer_lanes_;
};

/// Current Unix time in milliseconds.
std::int64_t now_ms();

}  // namespace acmepolicy::server
