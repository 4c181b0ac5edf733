// api_parse_certificate_list, api_certificate_status and api_plan_renewals: the facade over lifecycle.hpp
// (shapes documented in docs/lifecycle.md).
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "acmepolicy/api.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"
#include "lifecycle/certificate_inventory.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;
using lifecycle_detail::InventoryEntry;

struct LifecycleOptions {
    RenewalOptions renewal;
    std::vector<CertificateInfo> issuer_chain;
    std::optional<std::string> client_token_secret;
};

const char* const kOptionKeys[] = {"now", "issuer_chain_pem", "min_interval_hours", "spread_hours",
                                   "client_token_secret"};

// Options may carry a PEM chain, longer than the facade's usual 4 KiB strings.
std::optional<json> read_lifecycle_json(std::string_view text, ApiResult& error) {
    if (text.empty()) return json::object();
    JsonLimits limits;
    limits.max_string_bytes = 256 * 1024;
    JsonReadResult read = read_json(text, limits);
    if (!read.value || !read.report.valid() || !read.value->is_object()) {
        std::string message = "The options must be a JSON object";
        if (!read.report.diagnostics().empty()) message += ": " + read.report.diagnostics().front().message;
        error = detail::api_error(ApiStatus::bad_arguments, "options.invalid", message);
        return std::nullopt;
    }
    return std::move(read.value);
}

bool hours_option(const json& options, const char* key, std::int64_t& seconds, ApiResult& error) {
    auto it = options.find(key);
    if (it == options.end() || it->is_null()) return true;
    const double hours = it->is_number() ? it->get<double>() : -1;
    if (!std::isfinite(hours) || hours < 0 || hours > 8760) {
        error = detail::api_error(ApiStatus::bad_arguments, std::string("options.") + key,
                                  std::string("\"") + key + "\" must be a number of hours from 0 to 8760.");
        return false;
    }
    seconds = static_cast<std::int64_t>(std::llround(hours * 3600.0));
    return true;
}

bool read_lifecycle_options(std::string_view text, bool need_now, LifecycleOptions& options, ApiResult& error) {
    auto parsed = read_lifecycle_json(text, error);
    if (!parsed) return false;
    for (const auto& item : parsed->items()) {
        bool known = false;
        for (const char* key : kOptionKeys) known = known || item.key() == key;
        if (!known) {
            error = detail::api_error(ApiStatus::bad_arguments, "options.unknown_key",
                                      "\"" + item.key() + "\" is not a certificate option; the options are now, "
                                      "issuer_chain_pem, min_interval_hours, spread_hours and client_token_secret.");
            return false;
        }
    }
    if (!need_now) return true;
    std::optional<std::int64_t> now;
    if (!detail::read_now(*parsed, now, error)) return false;
    if (!now) {
        error = detail::api_error(ApiStatus::bad_arguments, "options.now",
                                  "\"now\" is required: give the current time as RFC 3339, such as "
                                  "\"2026-11-28T12:00:00Z\" (the core has no clock).");
        return false;
    }
    options.renewal.now = *now;
    if (!hours_option(*parsed, "min_interval_hours", options.renewal.min_interval_seconds, error)) return false;
    if (!hours_option(*parsed, "spread_hours", options.renewal.spread_seconds, error)) return false;
    if (auto it = parsed->find("client_token_secret"); it != parsed->end() && !it->is_null()) {
        if (!it->is_string()) {
            error = detail::api_error(ApiStatus::bad_arguments, "options.client_token_secret",
                                      "\"client_token_secret\" must be a string.");
            return false;
        }
        options.client_token_secret = it->get<std::string>();
    }
    if (auto it = parsed->find("issuer_chain_pem"); it != parsed->end() && !it->is_null()) {
        CertificateChainRead chain;
        if (it->is_string()) chain = read_pem_certificates(it->get<std::string>());
        if (!it->is_string() || !chain.error.empty()) {
            error = detail::api_error(ApiStatus::bad_arguments, "options.issuer_chain_pem",
                                      "\"issuer_chain_pem\" must be PEM text of the ACME server's certificates" +
                                          (chain.error.empty() ? std::string(".") : ": " + chain.error));
            return false;
        }
        options.issuer_chain = std::move(chain.certificates);
    }
    return true;
}

json diagnostics_of(const Report& report) { return to_json(report)["diagnostics"]; }

Report under(const Report& report, const std::string& prefix) {
    Report out;
    for (const auto& d : report.diagnostics()) out.add(d.severity, d.code, prefix + d.path, d.message);
    return out;
}

std::string duration_text(std::int64_t seconds) {
    char text[64];
    if (seconds >= 86400 && seconds % 86400 == 0)
        std::snprintf(text, sizeof text, "%lld day%s", static_cast<long long>(seconds / 86400),
                      seconds == 86400 ? "" : "s");
    else if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%.1f hours", static_cast<double>(seconds) / 3600.0);
    else if (seconds >= 60)
        std::snprintf(text, sizeof text, "%.1f minutes", static_cast<double>(seconds) / 60.0);
    else
        std::snprintf(text, sizeof text, "%lld seconds", static_cast<long long>(seconds));
    return text;
}

std::string reason(const RenewalDecision& d, const DeviceCertificate* c, std::optional<std::int64_t> last,
                   const CertificateMatcher::Match& match) {
    if (c == nullptr)
        return "No certificate on the device was issued by the policy's CA for this device's subject (" +
               std::to_string(match.foreign) +
               " ignored); the reconciliation plan installs the profile, nothing is renewed.";
    const std::string expiry = format_rfc3339(c->info.not_after);
    switch (d.state) {
        case RenewalState::ok:
            return "The certificate expires at " + expiry + "; it is renewed at " + format_rfc3339(d.renew_at) +
                   ", once less than " + duration_text(d.window_seconds) + " remains.";
        case RenewalState::due:
            return "Less than " + duration_text(d.window_seconds) + " remains before the certificate expires at " +
                   expiry + ": send the profile again now.";
        case RenewalState::expired:
            return "The certificate expired at " + expiry + ": send the profile again now.";
        case RenewalState::throttled:
            return "A renewal was sent at " + format_rfc3339(last.value_or(0)) +
                   "; the next one waits for the minimum interval, until " + format_rfc3339(d.renew_at) + ".";
        case RenewalState::missing: break;
    }
    return "";
}

json rule_json(const RenewalRule& rule) {
    json out{{"before_seconds", rule.before_seconds}, {"fraction", rule.fraction}};
    if (rule.before_seconds % 86400 == 0) out["before_days"] = rule.before_seconds / 86400;
    return out;
}

/// One policy/device pair, matched and decided.
struct PairStatus {
    const DeviceCertificate* certificate = nullptr;
    RenewalDecision decision;
    CertificateMatcher::Match match;
};

PairStatus decide(const CertificateMatcher& matcher, const Policy& policy, const InventoryEntry& entry,
                  const RenewalOptions& options) {
    PairStatus s;
    s.match = matcher.match(entry.device, entry.certificates);
    if (!s.match.index) return s;
    s.certificate = &entry.certificates[*s.match.index];
    auto last = entry.last_renewal.find(policy.id);
    std::optional<std::int64_t> last_renewal;
    if (last != entry.last_renewal.end()) last_renewal = last->second;
    s.decision = decide_renewal({s.certificate->info.not_before, s.certificate->info.not_after}, renewal_rule(policy),
                                last_renewal, entry.device.id, options);
    return s;
}

json status_json(const Policy& policy, const InventoryEntry& entry, const PairStatus& s) {
    auto last = entry.last_renewal.find(policy.id);
    std::optional<std::int64_t> last_renewal;
    if (last != entry.last_renewal.end()) last_renewal = last->second;
    // Member by member (nulls by default): the same object as an initializer list for a fraction of the code.
    json out = json::object();
    out["policy"] = policy.id;
    out["device"] = entry.device.id;
    out["state"] = to_string(s.certificate ? s.decision.state : RenewalState::missing);
    out["due"] = s.certificate != nullptr && s.decision.due();
    json& renew_at = out["renew_at"];
    json& window = out["window_seconds"];
    json& jitter = out["jitter_seconds"];
    json& certificate = out["certificate"];
    if (s.certificate) {
        renew_at = format_rfc3339(s.decision.renew_at);
        window = s.decision.window_seconds;
        jitter = s.decision.jitter_seconds;
        certificate = to_json(*s.certificate);
    }
    out["rule"] = rule_json(renewal_rule(policy));
    out["matched"] = s.match.matched;
    out["foreign"] = s.match.foreign;
    json& renewed = out["last_renewal"];
    if (last_renewal) renewed = format_rfc3339(*last_renewal);
    out["reason"] = reason(s.decision, s.certificate, last_renewal, s.match);
    return out;
}

}  // namespace

ApiResult api_parse_certificate_list(std::string_view plist_bytes, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        LifecycleOptions options;
        if (!read_lifecycle_options(options_json, false, options, error)) return error;
        const CertificateListRead read = read_certificate_list(plist_bytes);
        json certificates = json::array();
        for (const DeviceCertificate& c : read.certificates) certificates.push_back(to_json(c));
        return detail::api_json(read.ok() ? ApiStatus::ok : ApiStatus::invalid_input,
                                json{{"certificates", certificates}, {"diagnostics", diagnostics_of(read.report)}});
    });
}

ApiResult api_certificate_status(std::string_view policy_json, std::string_view entry_json,
                                 std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        LifecycleOptions options;
        if (!read_lifecycle_options(options_json, true, options, error)) return error;
        const PolicyCheck check = check_policy(policy_json);
        if (!check.policy || !check.report.valid())
            return detail::api_json(ApiStatus::invalid_input,
                                    json{{"diagnostics", diagnostics_of(under(check.report, "/policy"))}});
        Report report;
        JsonLimits limits;
        limits.max_string_bytes = 128 * 1024;
        limits.max_document_bytes = 8 * 1024 * 1024;
        JsonReadResult read = read_json(entry_json, limits);
        InventoryEntry entry;
        report.append(under(read.report, "/entry"));
        if (!read.value || !read.report.valid() ||
            !lifecycle_detail::read_inventory_entry(*read.value, "/entry", entry, report) || !report.valid())
            return detail::api_json(ApiStatus::invalid_input, json{{"diagnostics", diagnostics_of(report)}});

        const CertificateMatcher matcher(*check.policy, options.issuer_chain, options.client_token_secret);
        report.append(under(matcher.report(), "/policy"));
        const PairStatus s = decide(matcher, *check.policy, entry, options.renewal);
        report.append(s.match.report);
        json result = status_json(*check.policy, entry, s);
        result["diagnostics"] = diagnostics_of(report);
        return detail::api_json(report.valid() ? ApiStatus::ok : ApiStatus::invalid_input, result);
    });
}

ApiResult api_plan_renewals(std::string_view inventory_json, std::string_view policies_json,
                            std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        LifecycleOptions options;
        if (!read_lifecycle_options(options_json, true, options, error)) return error;
        Report report;
        // The policies: a JSON array of documents; invalid ones are reported and left out.
        JsonLimits limits = fleet_json_limits();
        limits.max_depth += 1;
        JsonReadResult policies_read = read_json(policies_json, limits);
        report.append(under(policies_read.report, "/policies"));
        if (!policies_read.value || !policies_read.value->is_array()) {
            if (policies_read.value)
                report.error("document.wrong_type", "/policies",
                             "Policies must be a JSON array of policy documents ([{...}, {...}]).");
            return detail::api_json(ApiStatus::invalid_input,
                                    json{{"renewals", json::array()}, {"diagnostics", diagnostics_of(report)}});
        }
        std::vector<Policy> policies;
        std::vector<std::unique_ptr<CertificateMatcher>> matchers;
        std::map<std::string, std::size_t> policy_index;
        std::vector<std::size_t> document_index;  // of each policy kept, in the array given
        for (std::size_t i = 0; i < policies_read.value->size(); ++i) {
            const PolicyCheck check = check_policy((*policies_read.value)[i]);
            const std::string prefix = json_pointer_append("/policies", i);
            report.append(under(check.report, prefix));
            if (!check.policy || !check.report.valid()) continue;
            if (!policy_index.emplace(check.policy->id, policies.size()).second) {
                report.error("set.duplicate_id", prefix + "/id",
                             "The id \"" + check.policy->id + "\" is already used by another policy; give each policy its own id.");
                continue;
            }
            policies.push_back(*check.policy);
            document_index.push_back(i);
        }
        for (std::size_t p = 0; p < policies.size(); ++p) {
            matchers.push_back(std::make_unique<CertificateMatcher>(policies[p], options.issuer_chain,
                                                                    options.client_token_secret));
            report.append(under(matchers.back()->report(), json_pointer_append("/policies", document_index[p])));
        }
        const std::vector<InventoryEntry> entries =
            lifecycle_detail::read_certificate_inventory(inventory_json, report);

        // One fleet entry per device/policy pair, with the matched certificate.
        std::vector<FleetEntry> fleet;
        std::vector<const DeviceCertificate*> matched;
        for (std::size_t e = 0; e < entries.size(); ++e) {
            const InventoryEntry& entry = entries[e];
            std::vector<std::size_t> applicable;
            if (entry.policies) {
                for (const std::string& id : *entry.policies) {
                    auto it = policy_index.find(id);
                    if (it != policy_index.end()) applicable.push_back(it->second);
                    else
                        report.warning("certificate_inventory.unknown_policy",
                                       json_pointer_append("/devices", e) + "/policies",
                                       "Device \"" + entry.device.id + "\" lists policy \"" + id +
                                           "\", which is not among the policies given; it is skipped.");
                }
            } else {
                for (std::size_t p = 0; p < policies.size(); ++p) applicable.push_back(p);
            }
            for (std::size_t p : applicable) {
                CertificateMatcher::Match m = matchers[p]->match(entry.device, entry.certificates);
                for (const auto& d : m.report.diagnostics())
                    report.add(d.severity, d.code, json_pointer_append("/devices", e) + "/device",
                               "Policy " + policies[p].id + ": " + d.message);
                FleetEntry f;
                f.device_id = entry.device.id;
                f.policy_id = policies[p].id;
                f.rule = renewal_rule(policies[p]);
                if (auto last = entry.last_renewal.find(policies[p].id); last != entry.last_renewal.end())
                    f.last_renewal = last->second;
                const DeviceCertificate* c = m.index ? &entry.certificates[*m.index] : nullptr;
                if (c) f.certificates.push_back({c->info.not_before, c->info.not_after});
                fleet.push_back(std::move(f));
                matched.push_back(c);
            }
        }
        const RenewalPlan plan = plan_renewals(fleet, options.renewal);

        json renewals = json::array();
        for (const PlannedRenewal& r : plan.renewals) {
            const FleetEntry& f = fleet[r.entry];
            const DeviceCertificate& c = *matched[r.entry];
            json& renewal = renewals.emplace_back(json::object());
            renewal["device"] = f.device_id;
            renewal["policy"] = f.policy_id;
            renewal["state"] = to_string(r.decision.state);
            renewal["renew_at"] = format_rfc3339(r.decision.renew_at);
            renewal["not_after"] = format_rfc3339(c.info.not_after);
            renewal["serial"] = c.info.serial_hex;
            renewal["sha256_fingerprint"] = c.info.sha256_fingerprint;
        }
        json missing = json::array();
        for (std::size_t i : plan.missing) missing.push_back(json{{"device", fleet[i].device_id}, {"policy", fleet[i].policy_id}});
        json per_day = json::array();
        for (const RenewalDay& d : plan.per_day)
            per_day.push_back(json{{"date", format_rfc3339(d.day * 86400).substr(0, 10)}, {"count", d.count}});
        const std::size_t ok = plan.renewals.size() - plan.due - plan.expired - plan.throttled;
        json result = json::object();
        result["now"] = format_rfc3339(options.renewal.now);
        result["renewals"] = std::move(renewals);
        result["missing"] = std::move(missing);
        result["per_day"] = std::move(per_day);
        json& summary = result["summary"];
        summary["pairs"] = fleet.size();
        summary["ok"] = ok;
        summary["due"] = plan.due;
        summary["expired"] = plan.expired;
        summary["throttled"] = plan.throttled;
        summary["missing"] = plan.missing.size();
        result["diagnostics"] = diagnostics_of(report);
        return detail::api_json(report.valid() ? ApiStatus::ok : ApiStatus::invalid_input, result);
    });
}

}  // namespace acmepolicy
