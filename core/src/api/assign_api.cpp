// api_resolve, api_explain and api_plan: the facade over inventory.hpp, resolve.hpp and plan.hpp
// (shapes documented in docs/assignment.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "acmepolicy/api.hpp"
#include "acmepolicy/inventory.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/plan.hpp"
#include "acmepolicy/render.hpp"
#include "acmepolicy/resolve.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {
namespace {

/// The options every assignment call accepts: {"now"} for validation, plus the render options that
/// decide a profile's identity (plan only; ignored elsewhere).
struct AssignOptions {
    ValidationOptions validation;
    RenderOptions render;
};

const char* const kOptionKeys[] = {"now", "identifier_prefix", "organization", "description", "client_token_secret"};

bool read_assign_options(std::string_view options_json, AssignOptions& options, ApiResult& error) {
    auto parsed = detail::read_options(options_json, error);
    if (!parsed) return false;
    for (const auto& item : parsed->items()) {
        bool known = false;
        for (const char* key : kOptionKeys) known = known || item.key() == key;
        if (!known) {
            error = detail::api_error(ApiStatus::bad_arguments, "options.unknown_key",
                                      "\"" + item.key() + "\" is not an assignment option; the options are now, "
                                      "identifier_prefix, organization, description and client_token_secret.");
            return false;
        }
    }
    if (!detail::read_now(*parsed, options.validation.now, error)) return false;
    for (const char* key : {"identifier_prefix", "organization", "description", "client_token_secret"}) {
        auto it = parsed->find(key);
        if (it == parsed->end() || it->is_null()) continue;
        if (!it->is_string()) {
            error = detail::api_error(ApiStatus::bad_arguments, std::string("options.") + key,
                                      std::string("\"") + key + "\" must be a string.");
            return false;
        }
        const std::string value = it->get<std::string>();
        if (std::string(key) == "identifier_prefix") options.render.identifier_prefix = value;
        else if (std::string(key) == "organization") options.render.organization = value;
        else if (std::string(key) == "description") options.render.description = value;
        else options.render.client_token_secret = value;
    }
    return true;
}

/// The result document when an input cannot be used at all: {"<list_key>": [], "diagnostics": [...]}
/// (no list when list_key is null).
ApiResult invalid_document(const Report& report, const char* list_key) {
    nlohmann::json result{{"diagnostics", to_json(report)["diagnostics"]}};
    if (list_key) result[list_key] = nlohmann::json::array();
    return detail::api_json(ApiStatus::invalid_input, result);
}

/// The same findings with their paths moved under `prefix` ("/state"), so that a caller passing several
/// documents can tell which one a finding is about.
Report under(const Report& report, const std::string& prefix) {
    Report out;
    for (const auto& d : report.diagnostics()) out.add(d.severity, d.code, prefix + d.path, d.message);
    return out;
}

/// Checks one policy document given as parsed JSON, keeping the reader's duplicate-key findings (which
/// make the model ambiguous, so the policy is then treated as unreadable).
PolicyCheck check_document(const nlohmann::json& document, const Report& reader_findings,
                           const ValidationOptions& options) {
    PolicyCheck check = check_policy(document, options);
    Report combined = reader_findings;
    combined.append(check.report);
    if (!reader_findings.valid()) check.policy.reset();
    check.report = std::move(combined);
    return check;
}

/// The array index a path such as "/3/payload/KeySize" starts with, and the rest ("/payload/KeySize").
/// Written without exceptions: the wasm build aborts on a throw.
bool split_index_path(const std::string& path, std::size_t& index, std::string& rest) {
    index = 0;
    if (path.size() < 2 || path[0] != '/') return false;
    std::size_t i = 1;
    for (; i < path.size() && path[i] != '/'; ++i) {
        if (path[i] < '0' || path[i] > '9' || i > 9) return false;
        index = index * 10 + static_cast<std::size_t>(path[i] - '0');
    }
    rest = path.substr(i);
    return true;
}

/// Reads a JSON array of policy documents and checks each alone and as a set. Set-level findings (ids
/// or names repeated) are errors of the policy they point at, so such a policy counts as invalid.
/// Returns false (with `report` holding why) when the text is not a JSON array.
bool read_policies(std::string_view text, const ValidationOptions& options, std::vector<PolicyCheck>& checks,
                   Report& report) {
    JsonLimits limits = fleet_json_limits();
    limits.max_depth += 1;
    JsonReadResult read = read_json(text, limits);
    if (!read.value) {
        report = read.report;
        return false;
    }
    if (!read.value->is_array()) {
        report.error("document.wrong_type", "", "Policies must be a JSON array of policy documents ([{...}, {...}]).");
        return false;
    }
    const nlohmann::json& documents = *read.value;
    std::vector<Report> findings(documents.size());
    for (const auto& d : read.report.diagnostics()) {
        if (d.code != "json.duplicate_key") continue;  // lengths are re-checked by check_policy itself
        std::size_t index = 0;
        std::string rest;
        if (split_index_path(d.path, index, rest) && index < documents.size())
            findings[index].add(d.severity, d.code, rest, d.message);
    }
    checks.reserve(documents.size());
    for (std::size_t i = 0; i < documents.size(); ++i) checks.push_back(check_document(documents[i], findings[i], options));
    const Report set_report = check_policy_set(checks);
    for (const auto& d : set_report.diagnostics()) {
        std::size_t index = 0;
        std::string rest;
        if (split_index_path(d.path, index, rest) && index < checks.size())
            checks[index].report.add(d.severity, d.code, rest, d.message);
        else
            report.add(d.severity, d.code, d.path, d.message);
    }
    return true;
}

/// True when the text's first non-blank character opens a JSON array.
bool starts_array(std::string_view text) {
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        return c == '[';
    }
    return false;
}

bool all_valid(const std::vector<PolicyCheck>& checks) {
    for (const auto& c : checks)
        if (!c.policy || !c.report.valid()) return false;
    return true;
}

/// Inventory and policies read together, as resolve and plan both need them.
struct Inputs {
    Inventory inventory;
    std::vector<PolicyCheck> policies;
    Report report;  // inventory-level and array-level findings
};

/// Reads both; on failure sets `failure` to the invalid_input document and returns false.
bool read_inputs(std::string_view inventory_json, std::string_view policies_json, const ValidationOptions& options,
                 Inputs& inputs, ApiResult& failure, const char* list_key) {
    inputs.inventory = parse_inventory(inventory_json, inputs.report);
    if (!inputs.report.valid()) {
        failure = invalid_document(inputs.report, list_key);
        return false;
    }
    Report array_report;
    const bool read = read_policies(policies_json, options, inputs.policies, array_report);
    inputs.report.append(array_report);
    if (!read) {
        failure = invalid_document(inputs.report, list_key);
        return false;
    }
    return true;
}

}  // namespace

ApiResult api_resolve(std::string_view inventory_json, std::string_view policies_json,
                      std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        AssignOptions options;
        if (!read_assign_options(options_json, options, error)) return error;
        Inputs inputs;
        if (!read_inputs(inventory_json, policies_json, options.validation, inputs, error, "policies")) return error;
        const Resolution resolution = resolve(inputs.inventory, inputs.policies);
        nlohmann::json result = to_json(inputs.inventory, inputs.policies, resolution);
        result["diagnostics"] = to_json(inputs.report)["diagnostics"];
        const bool ok = inputs.report.valid() && all_valid(inputs.policies);
        return detail::api_json(ok ? ApiStatus::ok : ApiStatus::invalid_input, result);
    });
}

ApiResult api_explain(std::string_view inventory_json, std::string_view policy_json, std::string_view device_id,
                      std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        AssignOptions options;
        if (!read_assign_options(options_json, options, error)) return error;
        Report report;
        const Inventory inventory = parse_inventory(inventory_json, report);
        if (!report.valid()) return invalid_document(report, nullptr);
        // One document, or an array whose first document is explained and whose others complete the set
        // (its fallback, the policies whose fallback it is).
        std::vector<PolicyCheck> policies;
        if (starts_array(policy_json)) {
            Report array_report;
            if (!read_policies(policy_json, options.validation, policies, array_report) || policies.empty()) {
                if (array_report.empty())
                    array_report.error("document.wrong_type", "",
                                       "The policy array is empty: give the policy to explain first.");
                return invalid_document(array_report, nullptr);
            }
        } else {
            policies.push_back(check_policy(policy_json, options.validation));
        }
        if (!policies[0].policy) {
            nlohmann::json result{{"diagnostics", to_json(policies[0].report)["diagnostics"]}};
            return detail::api_json(ApiStatus::invalid_input, result);
        }
        const auto device = inventory.find_device(device_id);
        if (!device)
            return detail::api_error(ApiStatus::not_found, "explain.unknown_device",
                                     "Device \"" + std::string(device_id) + "\" is not in the inventory.");
        const Resolution resolution = resolve(inventory, policies);
        const Explanation explanation = explain(inventory, policies, resolution, 0, *device);
        nlohmann::json result = to_json(explanation, policies[0].policy->id, device_id);
        return detail::api_json(ApiStatus::ok, result);
    });
}

ApiResult api_plan(std::string_view inventory_json, std::string_view policies_json, std::string_view state_json,
                   std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        AssignOptions options;
        if (!read_assign_options(options_json, options, error)) return error;
        Inputs inputs;
        if (!read_inputs(inventory_json, policies_json, options.validation, inputs, error, "actions")) return error;
        JsonReadResult read = read_json(state_json, fleet_json_limits());
        Report state_report = read.report;
        State state;
        if (read.value) state = read_state(*read.value, state_report);
        if (!read.value || !state_report.valid()) return invalid_document(under(state_report, "/state"), "actions");

        const Resolution resolution = resolve(inputs.inventory, inputs.policies);
        // One renderer per policy: template parsing and CA decoding happen once, not per device.
        std::map<std::size_t, std::unique_ptr<PolicyRenderer>> renderers;
        IdentityFunction identity = [&](const PlanPair& pair, Report& report) -> std::optional<ProfileIdentity> {
            auto& renderer = renderers[pair.policy_index];
            if (!renderer) renderer = std::make_unique<PolicyRenderer>(pair.policy, options.render);
            Report why;
            ProfileIdentity id = renderer->identity(pair.device, &why);
            if (id.payload_uuid.empty()) {
                for (const auto& d : why.diagnostics())
                    report.add(d.severity, d.code, d.path,
                               "Device " + pair.device.id + ", policy " + pair.policy.id + ": " + d.message);
                if (why.empty())
                    report.error("plan.identity_unavailable", "",
                                 "Device " + pair.device.id + ", policy " + pair.policy.id +
                                     ": the profile could not be rendered, so its installed state is left alone.");
                return std::nullopt;
            }
            return id;
        };
        const Plan result = plan(inputs.inventory, inputs.policies, resolution, state, identity);
        nlohmann::json document = to_json(result);
        Report all = inputs.report;
        all.append(result.diagnostics);
        document["diagnostics"] = to_json(all)["diagnostics"];
        const bool ok = all.valid() && all_valid(inputs.policies);
        return detail::api_json(ok ? ApiStatus::ok : ApiStatus::invalid_input, document);
    });
}

}  // namespace acmepolicy
