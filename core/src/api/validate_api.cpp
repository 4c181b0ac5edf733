// api_validate and api_validate_set: the facade over check_policy / check_policy_set.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"
#include "api/report_answer.hpp"

namespace acmepolicy {
namespace {

// Limits of a whole set: each policy keeps its own 1 MiB budget, and the array adds one level of nesting.
constexpr std::size_t kMaxSetBytes = 32u * 1024 * 1024;

// The options almost every caller sends, {} or {"now": "<time>"} with no escapes, read without a DOM; nullopt
// for anything else, which read_options then reads (and judges) in full. Behaviour is the same either way.
struct PlainOptions {
    std::string_view now;  // empty when absent or null
};
std::optional<PlainOptions> read_plain_options(std::string_view text) {
    std::size_t i = 0;
    const auto space = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    };
    const auto take = [&](std::string_view token) {
        if (text.substr(i, token.size()) != token) return false;
        i += token.size();
        return true;
    };
    PlainOptions options;
    space();
    if (!take("{")) return std::nullopt;
    space();
    if (!take("}")) {
        if (!take("\"now\"")) return std::nullopt;
        space();
        if (!take(":")) return std::nullopt;
        space();
        if (!take("null")) {
            if (!take("\"")) return std::nullopt;
            const std::size_t start = i;
            while (i < text.size() && text[i] != '"') {
                const auto c = static_cast<unsigned char>(text[i]);
                if (c < 0x20 || c >= 0x80 || c == '\\') return std::nullopt;
                ++i;
            }
            if (i == text.size()) return std::nullopt;
            options.now = text.substr(start, i - start);
            if (options.now.empty()) return std::nullopt;  // "" is malformed: read_now says so
            ++i;
        }
        space();
        if (!take("}")) return std::nullopt;
    }
    space();
    if (i != text.size()) return std::nullopt;
    return options;
}

bool read_validation_options(std::string_view options_json, ValidationOptions& options, ApiResult& error) {
    if (options_json.empty()) return true;
    if (const auto plain = read_plain_options(options_json)) {
        if (plain->now.empty()) return true;
        if (const auto seconds = parse_rfc3339(plain->now)) {
            options.now = *seconds;
            return true;
        }
    }
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
        ApiResult result;
        result.status = check.report.valid() ? ApiStatus::ok : ApiStatus::invalid_input;
        result.json = detail::report_answer(check.report);
        return result;
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
