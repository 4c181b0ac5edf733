// Policy validation: every rule of Apple's schema and of the ACME servers we support, in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/policy.hpp"

namespace acmepolicy {

/// Inputs of validation that the core never reads from the environment.
struct ValidationOptions {
    /// The current time, seconds since the Unix epoch (UTC); used for certificate validity checks.
    /// When absent, validity-period checks are skipped (never read from a clock inside the core).
    std::optional<std::int64_t> now;
};

/// The result of reading and validating one policy document.
/// `policy` is present when the document had the right shape to build the typed model (all required
/// keys present with the right JSON types), even if rule errors remain; check `report.valid()` before
/// rendering or assigning it.
struct PolicyCheck {
    std::optional<Policy> policy;
    Report report;
};

/// Reads a policy document (JSON text) and applies every rule. Never throws for bad input.
PolicyCheck check_policy(std::string_view json_text, const ValidationOptions& options = {});

/// Same, from an already-parsed document (duplicate-key detection is then the caller's job).
PolicyCheck check_policy(const nlohmann::json& document, const ValidationOptions& options = {});

/// Set-level rules over several checked policies: names unique ignoring case, ids unique, and each
/// fallback names a valid policy of the set that is not stricter on a listed condition, without cycles.
/// Diagnostics carry paths of the form "/<index>/name". Returns only the set-level findings.
Report check_policy_set(const std::vector<PolicyCheck>& policies);

}  // namespace acmepolicy
