// api_policy_targets: whom a policy document targets and which policy it falls back to, read by the core's own
// document reader (the one validation uses), so hosts never re-parse "targets" or "fallback" themselves.
#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "api/api_support.hpp"
#include "validation/draft.hpp"

namespace acmepolicy {

ApiResult api_policy_targets(std::string_view policy_json) {
    return detail::guarded([&] {
        Report report;
        JsonReadResult read = read_json(policy_json);
        report.append(read.report);
        nlohmann::json result = nlohmann::json::object();
        if (read.value && read.report.valid()) {
            // The shape only: no rule runs, so reading a stored document costs no certificate decoding.
            validation::PolicyDraft draft = validation::read_policy_document(*read.value, report);
            if (draft.is_object) {
                const Policy& policy = draft.policy;
                result["id"] = policy.id;
                result["targets"] = {{"device_groups", policy.targets.device_groups},
                                     {"devices", policy.targets.devices}};
                result["fallback"] = policy.fallback ? nlohmann::json{{"policy", policy.fallback->policy},
                                                                      {"when", policy.fallback->when}}
                                                     : nlohmann::json(nullptr);
            }
        }
        result["diagnostics"] = to_json(report)["diagnostics"];
        return detail::api_json(report.valid() && result.contains("id") ? ApiStatus::ok : ApiStatus::invalid_input,
                                result);
    });
}

}  // namespace acmepolicy
