// Strict JSON bodies through the core's reader.
#include "server/json_body.hpp"

#include "acmepolicy/json_reader.hpp"

namespace acmepolicy::server {

JsonBody read_json_body(const std::string& text) {
    JsonLimits limits;
    limits.max_document_bytes = kMaxBodyBytes;
    limits.max_depth = kMaxBodyDepth;
    limits.max_string_bytes = kMaxBodyBytes;
    JsonReadResult read = read_json(text, limits);
    JsonBody out;
    for (const auto& d : read.report.diagnostics()) out.diagnostics.push_back(to_json(d));
    if (!read.value || !read.report.valid()) {
        out.message = read.report.diagnostics().empty() ? "The request body is not valid JSON."
                                                        : "The request body is not acceptable JSON: " +
                                                              read.report.diagnostics().front().message;
        return out;
    }
    out.value = std::move(read.value);
    return out;
}

std::optional<std::string> string_field(const nlohmann::json& object, const char* key, bool& ok) {
    if (!object.is_object()) return std::nullopt;
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        ok = false;
        return std::nullopt;
    }
    return it->get<std::string>();
}

}  // namespace acmepolicy::server
