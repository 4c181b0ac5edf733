// GET /api/v1/devices/{id}/certificates, GET /api/v1/renewals, and the assignment's certificate state.
#include "server/rest_certificates.hpp"

#include <map>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "server/lifecycle_store.hpp"
#include "server/renewal.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

json time_or_null(const std::optional<std::int64_t>& seconds) {
    return seconds ? json(format_rfc3339(*seconds)) : json(nullptr);
}

std::string day_text(std::int64_t day) { return format_rfc3339(day * 86400).substr(0, 10); }

/// ?days=N: a whole number from 1 to 366 (default 90); nullopt after answering 400.
std::optional<int> days_param(const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("days")) return 90;
    const std::string text = req.get_param_value("days");
    if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(text) < 1 || std::stoi(text) > 366) {
        send_error(res, 400, "request.days_invalid", "days must be a whole number from 1 to 366.");
        return std::nullopt;
    }
    return std::stoi(text);
}

}  // namespace

json certificate_status_json(Db& db, const AssignmentRow& a) {
    auto r = renewal_of(db, a.device_id, a.policy_id);
    json certificate = nullptr, renewal = nullptr;
    if (r && r->has_certificate())
        certificate = {{"not_after", format_rfc3339(*r->cert_not_after)}, {"serial", r->cert_serial},
                       {"fingerprint", r->cert_sha256}};
    if (r)
        renewal = {{"status", r->state.empty() ? json(nullptr) : json(r->state)},
                   {"reason", r->reason.empty() ? json(nullptr) : json(r->reason)},
                   {"renew_at", time_or_null(r->renew_at)},
                   {"generation", r->generation},
                   {"started_at", time_or_null(r->started_at)},
                   {"last_renewal_at", time_or_null(r->last_renewal_at)},
                   {"renewed_at", time_or_null(r->renewed_at)},
                   {"renewed_not_after", time_or_null(r->renewed_not_after)}};
    return {{"certificate", certificate}, {"renewal", renewal}};
}

void add_certificate_routes(Router& r, ServerContext& ctx) {
    r.add("GET", "/api/v1/devices/([^/]+)/certificates", [&ctx](const httplib::Request&, httplib::Response& res,
                                                                 const Params& p) {
        std::optional<json> out;
        ctx.store->read_transaction([&](Db& db) {
            if (!ctx.store->device(db, p[0])) return;
            json list = json::array();
            for (const auto& c : device_certificates(db, p[0]))
                list.push_back({{"subject", c.subject}, {"issuer", c.issuer}, {"serial", c.serial},
                                {"not_before", format_rfc3339(c.not_before)}, {"not_after", format_rfc3339(c.not_after)},
                                {"key_type", c.key_type}, {"key_bits", c.key_bits}, {"sha256", c.sha256},
                                {"common_name", c.common_name}, {"is_identity", c.is_identity},
                                {"policy", c.policy_id.empty() ? json(nullptr) : json(c.policy_id)},
                                {"reported_at", c.reported_at}});
            out = json{{"device", p[0]}, {"certificates", list}};
        });
        if (!out) return send_error(res, 404, "device.not_found", "No device has id \"" + p[0] + "\".");
        send_json(res, 200, *out);
    });

    // The certificate inventory document of docs/lifecycle.md, for `acmepolicy certificates --inventory`.
    r.add("GET", "/api/v1/certificates/inventory", [&ctx](const httplib::Request&, httplib::Response& res,
                                                           const Params&) {
        json devices = json::array();
        ctx.store->read_transaction([&](Db& db) {
            for (const auto& row : ctx.store->devices(db)) {
                auto certs = device_certificates(db, row.id);
                if (certs.empty()) continue;
                json entries = json::array(), policies = json::array(), last_renewal = json::object();
                for (const auto& c : certs)
                    entries.push_back({{"CommonName", c.common_name}, {"Data", c.data}, {"IsIdentity", c.is_identity}});
                for (const auto& a : ctx.store->assignments_of_device(db, row.id))
                    if (a.status != "removed" && a.status != "removing") policies.push_back(a.policy_id);
                for (const auto& rr : renewals_of_device(db, row.id))
                    if (rr.last_renewal_at) last_renewal[rr.policy_id] = format_rfc3339(*rr.last_renewal_at);
                devices.push_back({{"device", json::parse(row.record, nullptr, false)}, {"certificates", entries},
                                   {"policies", policies}, {"last_renewal", last_renewal}});
            }
        });
        send_json(res, 200, {{"devices", devices}});
    });

    r.add("GET", "/api/v1/renewals", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        auto days = days_param(req, res);
        if (!days) return;
        const std::int64_t now = now_ms() / 1000;
        const std::int64_t first = now / 86400, last = first + *days - 1;
        std::map<std::int64_t, json> by_day;
        for (std::int64_t d = first; d <= last; ++d)
            by_day[d] = {{"date", day_text(d)}, {"expiring", 0}, {"renewals_planned", 0}, {"renewed", 0}};
        auto count = [&](std::optional<std::int64_t> seconds, const char* what) {
            if (!seconds) return;
            auto it = by_day.find(*seconds / 86400);
            if (it != by_day.end()) it->second[what] = it->second[what].get<int>() + 1;
        };
        ctx.store->read_transaction([&](Db& db) {
            // The core's fleet planner over every matched certificate, with each policy's own rule.
            std::map<std::string, std::optional<RenewalRule>> rules;
            std::vector<FleetEntry> entries;
            for (const auto& row : all_renewals(db)) {
                if (row.has_certificate()) count(row.cert_not_after, "expiring");
                if (row.state == "renewed") count(row.renewed_at, "renewed");
                if (!row.has_certificate() || row.state == "renewing") continue;
                auto rule = rules.find(row.policy_id);
                if (rule == rules.end()) {
                    std::optional<RenewalRule> found;
                    if (auto policy = ctx.store->policy(db, row.policy_id)) {
                        PolicyCheck check = ctx.engine->check_stored(*policy).check;
                        if (check.policy) found = renewal_rule(*check.policy);
                    }
                    rule = rules.emplace(row.policy_id, found).first;
                }
                if (!rule->second) continue;
                entries.push_back({row.device_id, row.policy_id, *rule->second, row.last_renewal_at,
                                   {{row.cert_not_before.value_or(0), *row.cert_not_after}}});
            }
            RenewalPlan plan = plan_renewals(entries, renewal_options(ctx.config, now));
            for (const auto& day : plan.per_day)
                if (auto it = by_day.find(day.day); it != by_day.end())
                    it->second["renewals_planned"] = static_cast<std::int64_t>(day.count);
        });
        json list = json::array();
        for (auto& [day, entry] : by_day) list.push_back(std::move(entry));
        send_json(res, 200, {{"days", list}});
    });
}

}  // namespace acmepolicy::server
