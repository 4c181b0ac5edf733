// api_validate and api_validate_set: the facade over check_policy / check_policy_set.
#include <string>
#include <vector>

#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {
namespace {

// Limits of a whole set: each policy keeps its own 1 MiB budget, and the array adds one level of nesting.
constexpr std::size_t kMaxSetBytes = 32u * 1024 * 1024;

bool read_validation_options(std::string_view options_json, ValidationOptions& options, ApiResult& error) {
    auto parsed = detail::read_options(options_json, error);
    if (!parsed) return false;
    return detail::read_now(*parsed, options.now, error);
}

// A value of the document for the summary ("id", "name"), or null when it is absent or not a string.
nlohmann::json member_text(const nlohmann::json& document, const char* key) {
    if (document.is_object()) {
        auto it = document.find(key);
        if (it != document.end() && it->is_string()) return *it;
    }
    return nullptr;
}

}  // namespace

ApiResult api_validate(std::string_view policy_json, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        ValidationOptions options;
        if (!read_validation_options(options_json, options, error)) return error;
        const PolicyCheck check = check_policy(policy_json, options);
        return detail::api_json(check.report.valid() ? ApiStatus::ok : ApiStatus::invalid_input,
                                to_json(check.report));
    });
}

ApiResult api_validate_set(std::string_view policies_json, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        ValidationOptions options;
        if (!read_validation_options(options_json, options, error)) return error;

        JsonLimits limits;
        limits.max_document_bytes = kMaxSetBytes;
        limits.max_depth += 1;
        JsonReadResult read = read_json(policies_json, limits);
        nlohmann::json result{{"valid", false}, {"policies", nlohmann::json::array()}};
        if (!read.value || !read.value->is_array()) {
            Report report;
            if (!read.value)
                report = read.report;
            else
                report.error("document.wrong_type", "",
                             "A policy set must be a JSON array of policy documents ([{...}, {...}]).");
            result["diagnostics"] = to_json(report)["diagnostics"];
            return detail::api_json(ApiStatus::invalid_input, result);
        }

        // Reader findings (duplicate keys, long strings) belong to the policy their path starts with.
        const nlohmann::json& documents = *read.value;
        std::vector<Report> reader_findings(documents.size());
        Report set_report;
        for (const auto& d : read.report.diagnostics()) {
            const std::size_t slash = d.path.find('/', 1);
            std::size_t index = documents.size();
            if (d.path.size() > 1) {
                try {
                    index = std::stoul(d.path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1));
                } catch (const std::exception&) {
                }
            }
            if (index < documents.size()) {
                // check_policy re-checks lengths and depth on the parsed value; only duplicates are lost there.
                if (d.code != "json.duplicate_key") continue;
                reader_findings[index].add(d.severity, d.code,
                                           slash == std::string::npos ? std::string() : d.path.substr(slash), d.message);
            } else {
                set_report.add(d.severity, d.code, d.path, d.message);
            }
        }

        std::vector<PolicyCheck> checks;
        checks.reserve(documents.size());
        bool valid = set_report.valid();
        for (std::size_t i = 0; i < documents.size(); ++i) {
            PolicyCheck check = check_policy(documents[i], options);
            Report combined = reader_findings[i];
            combined.append(check.report);
            if (!reader_findings[i].valid()) check.policy.reset();  // a duplicated key makes the model ambiguous
            check.report = std::move(combined);
            valid = valid && check.report.valid();
            nlohmann::json entry = to_json(check.report);
            entry["id"] = check.policy ? nlohmann::json(check.policy->id) : member_text(documents[i], "id");
            entry["name"] = check.policy ? nlohmann::json(check.policy->name) : member_text(documents[i], "name");
            result["policies"].push_back(std::move(entry));
            checks.push_back(std::move(check));
        }
        set_report.append(check_policy_set(checks));
        valid = valid && set_report.valid();
        result["valid"] = valid;
        result["diagnostics"] = to_json(set_report)["diagnostics"];
        return detail::api_json(valid ? ApiStatus::ok : ApiStatus::invalid_input, result);
    });
}

}  // namespace acmepolicy
