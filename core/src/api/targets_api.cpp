// api_policy_targets: whom a policy document targets and which policy it falls back to, read by the core's own
// document reader (the one validation uses), so hosts never re-parse "targets" or "fallback" themselves.
#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "api/api_support.hpp"
#include "validation/document.hpp"
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

nlohmann::json strings(const std::vector<std::string>& values) {
    nlohmann::json out = nlohmann::json::array();
    for (const std::string& v : values) out.push_back(v);
    return out;
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
            validation::Document document;  // points into *read.value, which outlives it
            document.assign(*read.value);
            validation::PolicyDraft draft = validation::read_policy_document(document.root(), shape);
            for (const Diagnostic& d : shape.diagnostics())
                if (concerns_targets(d)) report.add(d.severity, d.code, d.path, d.message);
            if (draft.is_object) {
                // Built member by member: the wasm module carries this file, and initializer lists of nested
                // pairs cost several times the code.
                const Policy& policy = draft.policy;
                result["id"] = policy.id;
                nlohmann::json& targets = result["targets"];
                targets["device_groups"] = strings(policy.targets.device_groups);
                targets["devices"] = strings(policy.targets.devices);
                nlohmann::json& fallback = result["fallback"];
                if (policy.fallback) {
                    fallback["policy"] = policy.fallback->policy;
                    fallback["when"] = strings(policy.fallback->when);
                }
            }
        }
        result["diagnostics"] = to_json(report)["diagnostics"];
        return detail::api_json(report.valid() && result.contains("id") ? ApiStatus::ok : ApiStatus::invalid_input,
                                result);
    });
}

}  // namespace acmepolicy
