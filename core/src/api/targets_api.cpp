// api_policy_targets: whom a policy document targets and which policy it falls back to, read by the core's own
// document reader (the one validation uses), so hosts never re-parse "targets" or "fallback" themselves.
#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "api/api_support.hpp"
#include "validation/draft.hpp"

namespace acmepolicy {
namespace {

/// Whether a finding is about what this call answers (the document as a whole, its id, name, targets or
/// fallback): the others (a payload's key type, ...) are validation's business.
bool concerns_targets(const Diagnostic& d) {
    for (const char* member : {"/id", "/name", "/targets", "/fallback"}) {
        const std::size_t n = std::char_traits<char>::length(member);
        if (d.path.compare(0, n, member) == 0 && (d.path.size() == n || d.path[n] == '/')) return true;
    }
    return d.path.empty();
}

}  // namespace

ApiResult api_policy_targets(std::string_view policy_json) {
    return detail::guarded([&] {
        Report report;
        JsonReadResult read = read_json(policy_json);
        report.append(read.report);
        nlohmann::json result = nlohmann::json::object();
        if (read.value && read.report.valid()) {
            // The shape only: no rule runs, so reading a stored document costs no certificate decoding.
            Report shape;
            validation::PolicyDraft draft = validation::read_policy_document(*read.value, shape);
            for (const Diagnostic& d : shape.diagnostics())
                if (concerns_targets(d)) report.add(d.severity, d.code, d.path, d.message);
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
