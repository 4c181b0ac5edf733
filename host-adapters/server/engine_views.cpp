// The engine's fleet-wide views for reads: the resolution with each included device's assignment status,
// and the per-policy counts the policy list shows (so the list and the assignment view always agree).
#include "server/engine.hpp"

#include "server/engine_support.hpp"

namespace acmepolicy::server {

using namespace engine_support;

nlohmann::json Engine::resolution(Db& db) {
    nlohmann::json out = *fleet_resolution(db);
    const AssignmentStatuses status = AssignmentStatuses::read(store_, db);
    auto* list = out.is_object() && out.contains("policies") ? &out["policies"] : nullptr;
    if (list && list->is_array()) {
        for (auto& p : *list) {
            std::string pid = p.value("id", "");
            if (p.contains("included_via_fallback") && p["included_via_fallback"].is_array())
                for (auto& moved : p["included_via_fallback"]) {
                    moved["status"] = status.of(moved.value("policy", ""), moved.value("device", ""));  // of the policy it receives
                }
            if (!p.contains("included") || !p["included"].is_array()) continue;
            const auto* of_policy = status.of_policy(pid);
            for (auto& inc : p["included"]) inc["status"] = status.of(of_policy, inc.value("device", ""));
        }
    }
    return out;
}

namespace {

/// `targeted` counts every candidate: included, excluded, and handed to a fallback (`moved`).
nlohmann::json counts_json(std::size_t included, std::size_t excluded, std::size_t moved, int installed, int pending,
                           int failed) {
    return {{"targeted", included + excluded + moved}, {"included", included}, {"excluded", excluded},
            {"installed", installed}, {"pending", pending}, {"failed", failed}};
}

std::size_t size_of(const nlohmann::json* list) { return list ? list->size() : 0; }

const nlohmann::json* array_member(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_array() ? &*it : nullptr;
}

}  // namespace

nlohmann::json Engine::counts_of(const nlohmann::json& policy_entry) {
    const nlohmann::json* included = array_member(policy_entry, "included");
    const nlohmann::json* excluded = array_member(policy_entry, "excluded");
    int installed = 0, pending = 0, failed = 0;
    if (included)
        for (const auto& inc : *included) {
            auto status = inc.find("status");
            if (status == inc.end() || !status->is_string()) continue;
            const auto& s = status->get_ref<const std::string&>();
            installed += s == "installed";
            pending += s == "pending";
            failed += s == "failed";
        }
    return counts_json(size_of(included), size_of(excluded), size_of(array_member(policy_entry, "included_via_fallback")),
                       installed, pending, failed);
}

void Engine::visit_resolution(
    Db& db, const std::function<void(const std::string&, const std::string&, const std::string*)>& visit) {
    std::shared_ptr<const nlohmann::json> base = fleet_resolution(db);
    const AssignmentStatuses status = AssignmentStatuses::read(store_, db);
    const nlohmann::json* list = base->is_object() ? array_member(*base, "policies") : nullptr;
    if (!list) return;
    for (const auto& p : *list) {
        const std::string pid = p.value("id", "");
        const auto* of_policy = status.of_policy(pid);
        if (const nlohmann::json* included = array_member(p, "included"))
            for (const auto& inc : *included) {
                const std::string device = inc.value("device", "");
                visit(pid, device, &status.of(of_policy, device));
            }
        if (const nlohmann::json* excluded = array_member(p, "excluded"))
            for (const auto& ex : *excluded) visit(pid, ex.value("device", ""), nullptr);
    }
}

std::shared_ptr<const Engine::IncludedIndex> Engine::included_index(const std::shared_ptr<const nlohmann::json>& base) {
    {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        if (cached_index_ && cached_index_for_ == base) return cached_index_;
    }
    auto index = std::make_shared<IncludedIndex>();
    index->resolution = base;  // the views below point into it
    if (const nlohmann::json* list = base->is_object() ? array_member(*base, "policies") : nullptr)
        for (const auto& p : *list) {
            auto& entry = index->by_policy[p.value("id", "")];
            const nlohmann::json* included = array_member(p, "included");
            entry.excluded = size_of(array_member(p, "excluded"));
            entry.moved = size_of(array_member(p, "included_via_fallback"));
            if (!included) continue;
            entry.devices.reserve(included->size());
            for (const auto& inc : *included) {
                auto device = inc.find("device");
                if (device != inc.end() && device->is_string()) entry.devices.insert(device->get_ref<const std::string&>());
            }
            entry.included = included->size();
        }
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cached_index_ = index;
    cached_index_for_ = base;
    return index;
}

std::map<std::string, nlohmann::json> Engine::policy_counts(Db& db) {
    const std::shared_ptr<const IncludedIndex> index = included_index(fleet_resolution(db));
    const AssignmentStatuses status = AssignmentStatuses::read(store_, db);
    std::map<std::string, nlohmann::json> out;
    // Only the assignments that are not pending are held: count those of included devices, and the rest of
    // the included devices are pending.
    for (const auto& [pid, entry] : index->by_policy) {
        int installed = 0, failed = 0, other = 0;
        if (const auto* of_policy = status.of_policy(pid))
            for (const auto& [device, s] : *of_policy) {
                if (!entry.devices.count(device)) continue;
                if (s == "installed") ++installed;
                else if (s == "failed") ++failed;
                else ++other;
            }
        const int pending = static_cast<int>(entry.included) - installed - failed - other;
        out[pid] = counts_json(entry.included, entry.excluded, entry.moved, installed, pending, failed);
    }
    return out;
}

}  // namespace acmepolicy::server
