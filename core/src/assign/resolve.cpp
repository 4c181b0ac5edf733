// Assignment resolution: candidates from targets, one primary exclusion reason each, fallbacks for the
// devices a policy cannot serve, warnings on the rest. (The names of reasons, warnings and conditions:
// resolve_names.cpp.) Longer than most files on purpose: the stages share private types (DeviceFacts,
// PolicyTraits, Verdict) that would otherwise become a header of their own for one caller.
#include "acmepolicy/resolve.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <unordered_map>

#include "assign/assign_internal.hpp"

namespace acmepolicy {
namespace {

constexpr std::uint32_t kDirect = 0xFFFFFFFFu;  // the "via" slot of a device the policy names itself

/// What decides eligibility for any policy, computed once per device on first use.
struct DeviceFacts {
    bool computed = false;
    bool eligible = false;  // platform, OS and enrollment all fine
    ExclusionReason reason = ExclusionReason::platform_unsupported;
    detail::VariableMask variables = 0;
    AttestationSupport attestation = AttestationSupport::unknown;
    bool user_enrollment = false;
};

DeviceFacts compute_facts(const DeviceRecord& device) {
    DeviceFacts facts;
    facts.computed = true;
    facts.variables = detail::available_variables(device);
    facts.attestation =
        device.product_name ? attestation_support(*device.product_name) : AttestationSupport::unknown;
    facts.user_enrollment = device.enrollment == Enrollment::user;
    if (!device.platform || (*device.platform != Platform::iOS && *device.platform != Platform::iPadOS)) {
        facts.reason = ExclusionReason::platform_unsupported;
        return facts;
    }
    const auto version = device.os_version ? parse_os_version(*device.os_version) : std::nullopt;
    if (!version) {
        facts.reason = ExclusionReason::os_unknown;
        return facts;
    }
    if (*version < kMinimumOsVersion) {
        facts.reason = ExclusionReason::os_too_old;
        return facts;
    }
    if (!device.enrollment || *device.enrollment == Enrollment::none) {
        facts.reason = ExclusionReason::not_enrolled;
        return facts;
    }
    facts.eligible = true;
    return facts;
}

/// The first variable (in documentation order) that the policy uses and the device lacks.
std::uint8_t first_missing(detail::VariableMask missing) noexcept {
    for (std::uint8_t v = 0; v < detail::kVariableCount; ++v)
        if (missing & (1u << v)) return v;
    return 0;
}

std::string first_error(const Report& report) {
    for (const auto& d : report.diagnostics())
        if (d.severity == Severity::error) return d.message;
    return "";
}

/// Finds included devices that would present the same ClientIdentifier. Identifiers are hashed straight
/// from their pieces (device values hashed once, no string built), the (hash, inclusion) pairs sorted, and
/// only equal hashes compared as expanded text, so a genuine hash collision of different strings is told
/// apart. Returns, per inclusion, the index of one partner inclusion, or kDirect for none: a later
/// duplicate points at the first inclusion with its identifier, and that one at its first duplicate.
std::vector<std::uint32_t> find_collisions(const Inventory& inventory, const std::vector<Inclusion>& included,
                                           const detail::CompiledTemplate& identifier, detail::ValueHashes& values) {
    std::vector<std::uint32_t> partner(included.size(), kDirect);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> hashed;
    hashed.reserve(included.size());
    const auto& devices = inventory.devices();
    for (std::uint32_t i = 0; i < included.size(); ++i) {
        std::uint64_t hash = 0;
        const DeviceIndex device = included[i].device;
        if (detail::expansion_hash(identifier, device, values, hash)) hashed.emplace_back(hash, i);
    }
    std::sort(hashed.begin(), hashed.end());
    std::vector<std::string> texts;
    std::vector<std::uint32_t> firsts;  // per distinct text of a run, its first inclusion
    for (std::size_t r = 0; r < hashed.size();) {
        std::size_t end = r + 1;
        while (end < hashed.size() && hashed[end].first == hashed[r].first) ++end;
        if (end - r > 1) {
            texts.clear();
            firsts.clear();
            for (std::size_t k = r; k < end; ++k) {  // in inclusion order: the pairs sort by index second
                const std::uint32_t i = hashed[k].second;
                std::string text;
                detail::expand(identifier, devices[included[i].device], text);
                auto same = std::find(texts.begin(), texts.end(), text);
                if (same == texts.end()) {
                    texts.push_back(std::move(text));
                    firsts.push_back(i);
                    continue;
                }
                const std::uint32_t first = firsts[static_cast<std::size_t>(same - texts.begin())];
                partner[i] = first;
                if (partner[first] == kDirect) partner[first] = i;
            }
        }
        r = end;
    }
    return partner;
}

/// What resolution needs to know about a policy to judge any device against it, without re-reading it.
struct PolicyTraits {
    bool readable = false;  // a typed policy exists (it may still be invalid)
    bool valid = false;
    detail::VariableMask used = 0;
    bool attest = false;
    bool step_ca = false;
    std::uint8_t when = 0;  // bit i: FallbackCondition(i) is listed in fallback.when
    std::optional<std::uint32_t> fallback;  // rank (position in Resolution::policies) of the fallback policy
};

/// A policy's judgement of one device: an exclusion, or an inclusion that may lack attestation.
struct Verdict {
    std::optional<ExclusionReason> reason;
    std::uint8_t variable = 0;
    bool cannot_attest = false;  // included, Attest on, hardware known not to attest
};

Verdict judge(const PolicyTraits& policy, const DeviceFacts& f) noexcept {
    Verdict v;
    if (!policy.valid) {
        v.reason = ExclusionReason::policy_invalid;
    } else if (!f.eligible) {
        v.reason = f.reason;
    } else if (policy.step_ca && f.user_enrollment) {
        v.reason = ExclusionReason::server_profile_incompatible;
    } else if (const auto missing = static_cast<detail::VariableMask>(policy.used & ~f.variables); missing != 0) {
        v.reason = ExclusionReason::variable_unavailable;
        v.variable = first_missing(missing);
    } else {
        v.cannot_attest = policy.attest && f.attestation == AttestationSupport::unsupported;
    }
    return v;
}

bool listed(const PolicyTraits& policy, FallbackCondition condition) noexcept {
    return (policy.when >> static_cast<unsigned>(condition)) & 1u;
}

/// The fallback condition a verdict meets, if the policy lists it. A reason's own name comes before
/// user_enrollment, which covers the exclusions of User Enrollment devices for their enrollment type.
std::optional<FallbackCondition> condition_of(const PolicyTraits& policy, const Verdict& v,
                                              const DeviceFacts& f) noexcept {
    using C = FallbackCondition;
    if (!v.reason) {
        if (v.cannot_attest && listed(policy, C::attestation_unsupported)) return C::attestation_unsupported;
        return std::nullopt;
    }
    switch (*v.reason) {
        case ExclusionReason::os_too_old:
            if (listed(policy, C::os_too_old)) return C::os_too_old;
            break;
        case ExclusionReason::server_profile_incompatible:
            if (listed(policy, C::server_profile_incompatible)) return C::server_profile_incompatible;
            if (listed(policy, C::user_enrollment)) return C::user_enrollment;
            break;
        case ExclusionReason::variable_unavailable:
            if (listed(policy, C::variable_unavailable)) return C::variable_unavailable;
            if (f.user_enrollment && listed(policy, C::user_enrollment) &&
                (v.variable == detail::kVariableSerialNumber || v.variable == detail::kVariableUdid))
                return C::user_enrollment;
            break;
        default: break;
    }
    return std::nullopt;
}

/// The rank of the first policy of a fallback chain, starting at `rank`, that fits the device: one that
/// includes it without meeting a condition its own fallback lists (then its fallback is tried in turn);
/// nullopt when none fits. `visited` guards against cycles (which validation refuses, but a host may
/// resolve sets it never validated as a whole).
std::optional<std::uint32_t> settle(const std::vector<PolicyTraits>& traits, std::uint32_t rank, const DeviceFacts& f,
                                    std::vector<std::uint32_t>& visited) {
    if (std::find(visited.begin(), visited.end(), rank) != visited.end()) return std::nullopt;
    visited.push_back(rank);
    const PolicyTraits& policy = traits[rank];
    const Verdict v = judge(policy, f);
    if (condition_of(policy, v, f))
        return policy.fallback ? settle(traits, *policy.fallback, f, visited) : std::nullopt;
    if (v.reason) return std::nullopt;
    return rank;
}

PolicyTraits traits_of(const PolicyCheck& check) {
    PolicyTraits t;
    t.readable = check.policy.has_value();
    t.valid = t.readable && check.report.valid();
    if (!check.policy) return t;
    const Policy& policy = *check.policy;
    t.used = detail::used_variables(policy);
    t.attest = policy.payload.attest_enabled();
    t.step_ca = policy.server_profile == ServerProfile::step_ca;
    if (policy.fallback)
        for (const auto& name : policy.fallback->when)
            if (auto c = parse_fallback_condition(name))
                t.when = static_cast<std::uint8_t>(t.when | (1u << static_cast<unsigned>(*c)));
    return t;
}

/// Candidates, exclusions and inclusions of one policy on its own (no fallback yet, no warnings).
void resolve_policy(const Inventory& inventory, const PolicyCheck& check, const PolicyTraits& traits,
                    std::vector<DeviceFacts>& facts, std::vector<std::uint64_t>& scratch, PolicyResolution& out) {
    out.valid = traits.valid;
    if (!out.valid) {
        std::size_t errors = 0;
        for (const auto& d : check.report.diagnostics()) errors += d.severity == Severity::error ? 1 : 0;
        std::string message = "The policy has " + std::to_string(errors) + " validation error" +
                              (errors == 1 ? "" : "s");
        if (errors > 0) message += " (first: " + first_error(check.report) + ")";
        else message += " (it could not be read)";
        out.diagnostics.error("resolve.policy_invalid", "",
                              message + "; no device receives it until they are fixed (run `acmepolicy validate`).");
    }
    if (!check.policy) return;
    const Policy& policy = *check.policy;

    // Candidates as (device << 32 | via) pairs: sorting groups each device's routes together, group
    // routes in group id order and the direct route last.
    scratch.clear();
    const auto& targets = policy.targets;
    for (std::size_t i = 0; i < targets.device_groups.size(); ++i) {
        auto group = inventory.find_group(targets.device_groups[i]);
        if (!group) {
            out.diagnostics.warning("resolve.unknown_group",
                                    json_pointer_append("/targets/device_groups", i),
                                    "Group \"" + targets.device_groups[i] +
                                        "\" is not in the inventory, so no device is targeted through it; create "
                                        "the group or remove it from the policy's targets.");
            continue;
        }
        for (DeviceIndex member : inventory.groups()[*group].members)
            scratch.push_back(static_cast<std::uint64_t>(member) << 32 | *group);
    }
    for (std::size_t i = 0; i < targets.devices.size(); ++i) {
        auto device = inventory.find_device(targets.devices[i]);
        if (!device) {
            out.diagnostics.warning("resolve.unknown_device", json_pointer_append("/targets/devices", i),
                                    "Device \"" + targets.devices[i] +
                                        "\" is not in the inventory; add it or remove it from the policy's "
                                        "targets.");
            continue;
        }
        scratch.push_back(static_cast<std::uint64_t>(*device) << 32 | kDirect);
    }
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());

    const auto& devices = inventory.devices();
    for (std::size_t i = 0; i < scratch.size();) {
        const auto device = static_cast<DeviceIndex>(scratch[i] >> 32);
        const auto via_begin = static_cast<std::uint32_t>(out.via_groups.size());
        bool direct = false;
        for (; i < scratch.size() && (scratch[i] >> 32) == device; ++i) {
            const auto via = static_cast<std::uint32_t>(scratch[i] & 0xFFFFFFFFu);
            if (via == kDirect) direct = true;
            else out.via_groups.push_back(via);
        }
        DeviceFacts& f = facts[device];
        if (!f.computed) f = compute_facts(devices[device]);
        const Verdict v = judge(traits, f);
        if (v.reason) {
            out.via_groups.resize(via_begin);  // routes are kept for inclusions only
            out.excluded.push_back(Exclusion{device, *v.reason, v.variable});
            ++out.reason_counts[static_cast<std::size_t>(*v.reason)];
            continue;
        }
        Inclusion inclusion;
        inclusion.device = device;
        inclusion.direct = direct;
        inclusion.via_begin = via_begin;
        inclusion.via_count = static_cast<std::uint32_t>(out.via_groups.size() - via_begin);
        out.included.push_back(inclusion);
    }
}

/// Hands the candidates that `primary` cannot serve for a listed condition to the first policy of its
/// fallback chain that fits them; `arrivals[rank]` collects (device, primary rank) for each receiver.
/// An invalid primary still routes as its document reads: its own profiles are frozen (the plan keeps
/// them), and the devices it hands over keep their fallback, so that nothing is removed because a policy
/// became invalid.
void apply_fallback(const std::vector<PolicyTraits>& traits, std::uint32_t rank, const std::vector<DeviceFacts>& facts,
                    const Resolution& resolution, PolicyResolution& primary,
                    std::vector<std::vector<std::pair<DeviceIndex, std::uint32_t>>>& arrivals,
                    std::vector<std::uint32_t>& visited) {
    PolicyTraits policy = traits[rank];
    if (!policy.readable || !policy.fallback || policy.when == 0) return;
    policy.valid = true;
    auto target_of = [&](const DeviceFacts& f, const Verdict& v, FallbackMove& move) {
        const auto condition = condition_of(policy, v, f);
        if (!condition) return false;
        visited.assign(1, rank);
        const auto target = settle(traits, *policy.fallback, f, visited);
        if (!target) return false;
        move.condition = *condition;
        move.target = resolution.policies[*target].policy_index;
        arrivals[*target].emplace_back(move.device, rank);
        return true;
    };
    std::size_t kept = 0;
    for (const Inclusion& inc : primary.included) {
        const DeviceFacts& f = facts[inc.device];
        FallbackMove move;
        move.device = inc.device;
        if (target_of(f, judge(policy, f), move)) primary.moved.push_back(move);
        else primary.included[kept++] = inc;
    }
    primary.included.resize(kept);
    kept = 0;
    for (const Exclusion& exc : primary.excluded) {
        const DeviceFacts& f = facts[exc.device];
        const Verdict v = judge(policy, f);
        FallbackMove move;
        move.device = exc.device;
        move.reason = v.reason.value_or(exc.reason);
        move.variable = v.variable;
        if (target_of(f, v, move)) {
            primary.moved.push_back(move);
            --primary.reason_counts[static_cast<std::size_t>(exc.reason)];
        } else {
            primary.excluded[kept++] = exc;
        }
    }
    primary.excluded.resize(kept);
    std::sort(primary.moved.begin(), primary.moved.end(),
              [](const FallbackMove& a, const FallbackMove& b) { return a.device < b.device; });
}

/// Adds the devices handed over by other policies' fallbacks to `out`'s inclusions (sorted by device;
/// a device the policy already includes gains the fallback routes).
void receive(const Resolution& resolution, std::vector<std::pair<DeviceIndex, std::uint32_t>>& arriving,
             PolicyResolution& out) {
    if (arriving.empty()) return;
    std::sort(arriving.begin(), arriving.end());
    arriving.erase(std::unique(arriving.begin(), arriving.end()), arriving.end());
    std::vector<Inclusion> merged;
    merged.reserve(out.included.size() + arriving.size());
    std::size_t i = 0, k = 0;
    while (i < out.included.size() || k < arriving.size()) {
        if (k == arriving.size() || (i < out.included.size() && out.included[i].device < arriving[k].first)) {
            merged.push_back(out.included[i++]);
            continue;
        }
        const DeviceIndex device = arriving[k].first;
        Inclusion inclusion;
        if (i < out.included.size() && out.included[i].device == device) inclusion = out.included[i++];
        else inclusion.device = device;
        inclusion.fallback_begin = static_cast<std::uint32_t>(out.fallback_from.size());
        for (; k < arriving.size() && arriving[k].first == device; ++k)
            out.fallback_from.push_back(resolution.policies[arriving[k].second].policy_index);
        inclusion.fallback_count = static_cast<std::uint32_t>(out.fallback_from.size()) - inclusion.fallback_begin;
        merged.push_back(inclusion);
    }
    out.included = std::move(merged);
}

/// Attestation and ClientIdentifier-collision warnings over the final inclusions.
void add_warnings(const Inventory& inventory, const PolicyCheck& check, const PolicyTraits& traits,
                  const std::vector<DeviceFacts>& facts, detail::ValueHashes& values, PolicyResolution& out) {
    if (!check.policy) return;
    std::vector<std::uint32_t> partner;
    const detail::CompiledTemplate identifier = detail::compile_template(check.policy->payload.client_identifier);
    if (identifier.usable && out.included.size() > 1)
        partner = find_collisions(inventory, out.included, identifier, values);

    for (std::size_t i = 0; i < out.included.size(); ++i) {
        Inclusion& inclusion = out.included[i];
        inclusion.warnings_begin = static_cast<std::uint32_t>(out.warnings.size());
        const AttestationSupport attestation = facts[inclusion.device].attestation;
        if (traits.attest && attestation != AttestationSupport::supported)
            out.warnings.push_back(InclusionWarning{
                AssignmentWarning::attestation_unsupported,
                attestation == AttestationSupport::unknown ? Severity::info : Severity::warning, 0});
        if (!partner.empty() && partner[i] != kDirect)
            out.warnings.push_back(InclusionWarning{AssignmentWarning::client_identifier_collision, Severity::warning,
                                                    out.included[partner[i]].device});
        inclusion.warnings_count = static_cast<std::uint32_t>(out.warnings.size()) - inclusion.warnings_begin;
    }
}

}  // namespace

Resolution resolve(const Inventory& inventory, const std::vector<PolicyCheck>& policies) {
    Resolution resolution;
    std::vector<std::size_t> order(policies.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    static const std::string kUnread;
    auto id_of = [&](std::size_t i) -> const std::string& {
        return policies[i].policy ? policies[i].policy->id : kUnread;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return id_of(a) < id_of(b); });

    // Traits per rank; a fallback names the first policy (in rank order) with its id, the one plan() uses.
    std::vector<PolicyTraits> traits(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) traits[k] = traits_of(policies[order[k]]);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Policy* policy = policies[order[k]].policy ? &*policies[order[k]].policy : nullptr;
        if (!policy || !policy->fallback) continue;
        const PolicyFallback* fallback = &*policy->fallback;
        auto it = std::lower_bound(order.begin(), order.end(), fallback->policy,
                                   [&](std::size_t i, const std::string& id) { return id_of(i) < id; });
        if (it != order.end() && policies[*it].policy && id_of(*it) == fallback->policy)
            traits[k].fallback = static_cast<std::uint32_t>(it - order.begin());
    }

    // Facts for every device up front, in index order: a sequential pass over the records is several times
    // cheaper than meeting each record for the first time in a group's random member order.
    std::vector<DeviceFacts> facts(inventory.devices().size());
    if (!policies.empty())
        for (std::size_t d = 0; d < facts.size(); ++d) facts[d] = compute_facts(inventory.devices()[d]);
    std::vector<std::uint64_t> scratch;
    resolution.policies.resize(policies.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        PolicyResolution& out = resolution.policies[k];
        out.policy_index = order[k];
        resolve_policy(inventory, policies[order[k]], traits[k], facts, scratch, out);
    }
    std::vector<std::vector<std::pair<DeviceIndex, std::uint32_t>>> arrivals(order.size());
    std::vector<std::uint32_t> visited;
    for (std::uint32_t k = 0; k < order.size(); ++k)
        apply_fallback(traits, k, facts, resolution, resolution.policies[k], arrivals, visited);
    detail::ValueHashes values(inventory.devices());
    for (std::size_t k = 0; k < order.size(); ++k) {
        receive(resolution, arrivals[k], resolution.policies[k]);
        add_warnings(inventory, policies[order[k]], traits[k], facts, values, resolution.policies[k]);
    }
    return resolution;
}

}  // namespace acmepolicy
