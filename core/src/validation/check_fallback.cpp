// Rule 17: fallback, the policy a device receives instead of this one. Its shape (read with the document),
// what one document can say about it, and what only the whole set can: the target exists, is valid, is
// not part of a cycle and is not stricter on the axis of a listed condition (docs/assignment.md).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "acmepolicy/resolve.hpp"
#include "acmepolicy/variables.hpp"
#include "assign/assign_internal.hpp"
#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

using detail::VariableMask;

constexpr std::string_view kFallbackKeys[] = {"policy", "when"};
constexpr Alias kFallbackAliases[] = {
    {"id", "policy"},       {"policy_id", "policy"}, {"target", "policy"},
    {"conditions", "when"}, {"reasons", "when"},     {"if", "when"},
};

constexpr const char* kConditionList =
    "attestation_unsupported, user_enrollment, variable_unavailable, os_too_old or server_profile_incompatible";

// Variables a device record can lack (device_id and client_token are always there).
constexpr VariableMask kLackable = static_cast<VariableMask>(
    (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5));
constexpr VariableMask kUserEnrollmentWithheld =
    static_cast<VariableMask>((1u << detail::kVariableSerialNumber) | (1u << detail::kVariableUdid));

std::vector<std::string> condition_names() {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kFallbackConditionCount; ++i)
        names.push_back(to_string(static_cast<FallbackCondition>(i)));
    return names;
}

// "{{serial_number}}, {{udid}}" for the variables of a mask.
std::string variable_list(VariableMask mask) {
    std::string out;
    const auto& names = variable_names();
    for (std::size_t v = 0; v < names.size() && v < detail::kVariableCount; ++v)
        if (mask & (1u << v)) out += (out.empty() ? "{{" : ", {{") + names[v] + "}}";
    return out;
}

// Why a known reason or warning cannot be a fallback condition; "" for names that are none of them.
std::string why_not_a_condition(const std::string& name) {
    if (name == "policy_invalid")
        return "an invalid policy keeps what its devices have installed instead of moving them to a fallback; "
               "fix the policy instead";
    if (name == "platform_unsupported")
        return "every ACME policy applies to iOS and iPadOS only, so no fallback can serve another platform";
    if (name == "os_unknown") return "no policy can serve a device whose os_version is unknown; fix the device record";
    if (name == "not_enrolled") return "no policy reaches a device that is not enrolled; enroll it";
    if (name == "client_identifier_collision")
        return "a collision is fixed with a per-device ClientIdentifier such as {{udid}}, not with another policy";
    return "";
}

// Why a listed condition can never hold for this policy; "" when it can.
std::string why_no_effect(FallbackCondition condition, const Policy& policy) {
    const VariableMask used = detail::used_variables(policy);
    const bool step_ca = policy.server_profile == ServerProfile::step_ca;
    switch (condition) {
        case FallbackCondition::attestation_unsupported:
            if (!policy.payload.attest_enabled())
                return "Attest is not true in this policy, so no device lacks attestation here";
            break;
        case FallbackCondition::user_enrollment:
            if (!step_ca && !(used & kUserEnrollmentWithheld))
                return "this policy already serves User Enrollment devices (it is not step-ca and uses neither "
                       "{{serial_number}} nor {{udid}})";
            break;
        case FallbackCondition::variable_unavailable:
            if (!(used & kLackable)) return "this policy uses no variable that a device record can lack";
            break;
        case FallbackCondition::server_profile_incompatible:
            if (!step_ca) return "only a step-ca policy excludes devices with server_profile_incompatible";
            break;
        case FallbackCondition::os_too_old:
            return "every ACME policy needs iOS or iPadOS 16.0 or later (the payload does not exist before), so no "
                   "fallback can serve a device that is too old";
    }
    return "";
}

// The first error of a report, for messages that send the user to another policy.
std::string first_error(const Report& report) {
    for (const auto& d : report.diagnostics())
        if (d.severity == Severity::error) return d.message;
    return "";
}

// "/3/payload/KeySize" → 3; false for paths that name no policy of the set.
bool policy_index_of(const std::string& path, std::size_t& index) {
    if (path.size() < 2 || path[0] != '/') return false;
    index = 0;
    std::size_t i = 1;
    for (; i < path.size() && path[i] != '/'; ++i) {
        if (path[i] < '0' || path[i] > '9' || i > 9) return false;
        index = index * 10 + static_cast<std::size_t>(path[i] - '0');
    }
    return i > 1;
}

// Why `target` is stricter than `primary` on the axis of `condition`; "" when it is not.
std::string why_stricter(FallbackCondition condition, const Policy& primary, const Policy& target) {
    const std::string name = quote_text(target.id);
    const bool target_step_ca = target.server_profile == ServerProfile::step_ca;
    const VariableMask target_used = detail::used_variables(target);
    switch (condition) {
        case FallbackCondition::attestation_unsupported:
            if (!target.payload.attest_enabled()) break;
            return "The fallback " + name + " still sets Attest to true, so a device that cannot attest is no better "
                   "off there: set Attest to false in " + name +
                   (target_step_ca ? " and use server_profile \"generic\" (step-ca always needs attestation)" : "") +
                   ", or remove attestation_unsupported from fallback.when.";
        case FallbackCondition::user_enrollment:
        case FallbackCondition::server_profile_incompatible:
            if (target_step_ca)
                return "The fallback " + name + " uses server_profile \"step-ca\", which needs the attested serial "
                       "number or UDID that User Enrollment devices never provide: make the fallback a generic "
                       "policy, or remove " + to_string(condition) + " from fallback.when.";
            if (condition == FallbackCondition::user_enrollment && (target_used & kUserEnrollmentWithheld))
                return "The fallback " + name + " uses " + variable_list(target_used & kUserEnrollmentWithheld) +
                       ", which User Enrollment devices never have: use {{enrollment_id}}, {{device_id}} or "
                       "{{client_token}} in " + name + " instead, or remove user_enrollment from fallback.when.";
            break;
        case FallbackCondition::variable_unavailable: {
            const VariableMask mine = detail::used_variables(primary) & kLackable;
            const VariableMask theirs = target_used & kLackable;
            if (theirs & ~mine)
                return "The fallback " + name + " uses " + variable_list(static_cast<VariableMask>(theirs & ~mine)) +
                       ", which this policy does not: a fallback for variable_unavailable must need fewer device "
                       "variables than this policy, not others. Remove them from " + name + ".";
            if (theirs == mine)
                return "The fallback " + name + " uses the same device variables as this policy (" +
                       variable_list(mine) + "), so a device that lacks one lacks it there too: leave out of " + name +
                       " the variables some devices lack.";
            break;
        }
        case FallbackCondition::os_too_old: break;
    }
    return "";
}

}  // namespace

bool read_fallback(JsonValue value, PolicyDraft& draft, Report& report) {
    const std::string path = "/fallback";
    if (!value.is_object()) {
        emit(report, Code::document_wrong_type, path,
             std::string("fallback must be an object {\"policy\": \"<policy id>\", \"when\": [conditions]}, not ") +
                 json_type_words(value) + ".");
        return false;
    }
    for (const auto& item : value.children()) {
        if (item.key() == "policy" || item.key() == "when") continue;
        const auto suggestion = suggest(item.key(), kFallbackKeys, kFallbackAliases);
        emit(report, Code::document_unknown_key, json_pointer_append(path, std::string(item.key())),
             "Unknown key " + quote_text(item.key()) + " in fallback." +
                 (suggestion ? did_you_mean(suggestion) + " Keys are case-sensitive and spelled exactly as documented."
                             : std::string(" A fallback has only \"policy\" and \"when\".")));
    }
    PolicyFallback fallback;
    bool complete = true;
    const JsonValue policy = value.find("policy");
    if (!policy) {
        emit(report, Code::document_missing_key, path + "/policy",
             "policy is required: add the id of the policy that devices receive instead of this one.");
        complete = false;
    } else if (!policy.is_string()) {
        emit(report, Code::document_wrong_type, path + "/policy",
             std::string("policy must be a string (a policy id), not ") + json_type_words(policy) + ".");
        complete = false;
    } else {
        fallback.policy = std::string(policy.str());
    }
    const JsonValue when = value.find("when");
    if (!when) {
        emit(report, Code::document_missing_key, path + "/when",
             std::string("when is required: list the conditions that hand a device to the fallback (") +
                 kConditionList + ").");
        complete = false;
    } else if (!when.is_array()) {
        emit(report, Code::document_wrong_type, path + "/when",
             std::string("when must be an array of condition names, such as [\"attestation_unsupported\"], not ") +
                 json_type_words(when) + ".");
        complete = false;
    } else {
        for (std::size_t i = 0; i < when.size(); ++i) {
            const JsonValue entry = when[i];
            if (!entry.is_string()) {
                emit(report, Code::document_wrong_type, json_pointer_append(path + "/when", i),
                     std::string("A when entry must be a condition name (a string), not ") + json_type_words(entry) +
                         ".");
                complete = false;
                continue;
            }
            fallback.when.emplace_back(entry.str());
        }
    }
    if (!complete) return false;
    draft.policy.fallback = std::move(fallback);
    return true;
}

void check_fallback(const PolicyDraft& draft, Report& report) {
    const Policy& policy = draft.policy;
    if (!policy.fallback) return;
    const PolicyFallback& fallback = *policy.fallback;
    if (!is_valid_policy_id(fallback.policy)) {
        const std::string derived = derive_policy_id(fallback.policy);
        emit(report, Code::fallback_policy_id, "/fallback/policy",
             "fallback.policy " + quote_text(fallback.policy) +
                 " is not a policy id: write the id of the policy devices receive instead (1 to 64 lower-case letters, "
                 "digits, '.', '_' and '-', such as \"" + derived + "\").");
    } else if (fallback.policy == policy.id) {
        emit(report, Code::fallback_cycle, "/fallback/policy",
             "A policy cannot be its own fallback: name another policy (one with fewer requirements, such as no "
             "attestation), or remove fallback.");
    }
    if (fallback.when.empty())
        emit(report, Code::fallback_when_empty, "/fallback/when",
             std::string("fallback.when lists no condition, so no device would ever fall back: add ") +
                 kConditionList + ", or remove fallback.");
    std::set<std::string> seen;
    const auto names = condition_names();
    for (std::size_t i = 0; i < fallback.when.size(); ++i) {
        const std::string& name = fallback.when[i];
        const std::string path = json_pointer_append("/fallback/when", i);
        const auto condition = parse_fallback_condition(name);
        if (!condition) {
            const std::string why = why_not_a_condition(name);
            emit(report, Code::fallback_when_unknown, path,
                 quote_text(name) + " is not a fallback condition" + (why.empty() ? "" : ": " + why) +
                     ". The conditions are " + kConditionList + "." +
                     (why.empty() ? did_you_mean(suggest(name, names)) : std::string()));
            continue;
        }
        if (!seen.insert(name).second) {
            emit(report, Code::fallback_when_duplicate, path,
                 quote_text(name) + " is listed more than once in fallback.when; remove the repeat.");
            continue;
        }
        const std::string why = why_no_effect(*condition, policy);
        if (!why.empty())
            emit(report, Code::fallback_when_no_effect, path,
                 quote_text(name) + " never hands a device to the fallback: " + why +
                     ". Remove it from fallback.when.");
    }
}

void check_fallback_set(const std::vector<PolicyCheck>& policies, Report& report) {
    // The first policy with each id is the one a fallback names (as resolution and plan count it).
    std::map<std::string, std::size_t> by_id;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < policies.size(); ++i) {
        if (!policies[i].policy) continue;
        if (by_id.emplace(policies[i].policy->id, i).second) ids.push_back(policies[i].policy->id);
    }
    bool any = false;
    for (const auto& check : policies) any = any || (check.policy && check.policy->fallback);
    if (!any) return;

    // Which policies are invalid already: their own errors, and set findings so far.
    std::vector<bool> invalid(policies.size(), false);
    for (std::size_t i = 0; i < policies.size(); ++i) invalid[i] = !policies[i].policy || !policies[i].report.valid();
    for (const auto& d : report.diagnostics()) {
        std::size_t index = 0;
        if (d.severity == Severity::error && policy_index_of(d.path, index) && index < invalid.size())
            invalid[index] = true;
    }

    // next[i]: the policy i falls back to, or npos.
    constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::size_t> next(policies.size(), npos);
    for (std::size_t i = 0; i < policies.size(); ++i) {
        if (!policies[i].policy || !policies[i].policy->fallback) continue;
        const Policy& policy = *policies[i].policy;
        const std::string& target = policy.fallback->policy;
        if (target == policy.id || !is_valid_policy_id(target)) continue;  // reported by check_fallback
        const std::string path = "/" + std::to_string(i) + "/fallback/policy";
        auto it = by_id.find(target);
        if (it == by_id.end()) {
            emit(report, Code::fallback_policy_unknown, path,
                 "No policy of the set has the id " + quote_text(target) +
                     ", so devices this policy cannot serve would get nothing: add that policy, or name an existing "
                     "one." + did_you_mean(suggest(target, ids)));
            invalid[i] = true;
            continue;
        }
        next[i] = it->second;
    }

    // Cycles: following next from i comes back to i (a device would never settle).
    for (std::size_t i = 0; i < policies.size(); ++i) {
        std::vector<std::size_t> chain{i};
        std::size_t j = next[i];
        while (j != npos && j != i && chain.size() <= policies.size()) {
            chain.push_back(j);
            j = next[j];
        }
        if (j != i) continue;
        std::string route;
        for (std::size_t k : chain) route += policies[k].policy->id + " → ";
        route += policies[i].policy->id;
        emit(report, Code::fallback_cycle, "/" + std::to_string(i) + "/fallback/policy",
             "Following fallbacks from this policy comes back to it (" + route +
                 "): end the chain with a policy that has no fallback.");
        invalid[i] = true;
    }

    // Stricter on the axis of a listed condition.
    for (std::size_t i = 0; i < policies.size(); ++i) {
        if (next[i] == npos) continue;
        const Policy& policy = *policies[i].policy;
        const Policy& target = *policies[next[i]].policy;
        for (std::size_t k = 0; k < policy.fallback->when.size(); ++k) {
            const auto condition = parse_fallback_condition(policy.fallback->when[k]);
            if (!condition || !why_no_effect(*condition, policy).empty()) continue;
            const std::string why = why_stricter(*condition, policy, target);
            if (why.empty()) continue;
            emit(report, Code::fallback_stricter, "/" + std::to_string(i) + "/fallback/when/" + std::to_string(k), why);
            invalid[i] = true;
        }
    }

    // A fallback must itself be valid; a policy whose fallback is invalid is invalid in turn.
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i < policies.size(); ++i) {
            if (invalid[i] || next[i] == npos || !invalid[next[i]]) continue;
            const PolicyCheck& target = policies[next[i]];
            const std::string first = first_error(target.report);
            emit(report, Code::fallback_target_invalid, "/" + std::to_string(i) + "/fallback/policy",
                 "The fallback " + quote_text(target.policy->id) + " is not valid" +
                     (first.empty() ? std::string(" as part of this set") : " (first error: " + first + ")") +
                     ", so it cannot take devices from this policy: fix it first (run `acmepolicy validate` on both).");
            invalid[i] = true;
            changed = true;
        }
    }
}

}  // namespace acmepolicy::validation
