// The stable names of exclusion reasons, assignment warnings and fallback conditions (JSON, CLI, schema()).
#include "acmepolicy/resolve.hpp"

namespace acmepolicy {

const char* to_string(ExclusionReason reason) noexcept {
    switch (reason) {
        case ExclusionReason::policy_invalid: return "policy_invalid";
        case ExclusionReason::platform_unsupported: return "platform_unsupported";
        case ExclusionReason::os_unknown: return "os_unknown";
        case ExclusionReason::os_too_old: return "os_too_old";
        case ExclusionReason::not_enrolled: return "not_enrolled";
        case ExclusionReason::server_profile_incompatible: return "server_profile_incompatible";
        case ExclusionReason::variable_unavailable: return "variable_unavailable";
    }
    return "policy_invalid";
}

const char* to_string(AssignmentWarning warning) noexcept {
    switch (warning) {
        case AssignmentWarning::attestation_unsupported: return "attestation_unsupported";
        case AssignmentWarning::client_identifier_collision: return "client_identifier_collision";
    }
    return "attestation_unsupported";
}

const char* to_string(FallbackCondition condition) noexcept {
    switch (condition) {
        case FallbackCondition::attestation_unsupported: return "attestation_unsupported";
        case FallbackCondition::user_enrollment: return "user_enrollment";
        case FallbackCondition::variable_unavailable: return "variable_unavailable";
        case FallbackCondition::os_too_old: return "os_too_old";
        case FallbackCondition::server_profile_incompatible: return "server_profile_incompatible";
    }
    return "attestation_unsupported";
}

std::optional<FallbackCondition> parse_fallback_condition(std::string_view text) noexcept {
    for (std::size_t i = 0; i < kFallbackConditionCount; ++i) {
        const auto condition = static_cast<FallbackCondition>(i);
        if (text == to_string(condition)) return condition;
    }
    return std::nullopt;
}

}  // namespace acmepolicy
