// Diagnostics and their JSON form.
#include "acmepolicy/diagnostics.hpp"

#include <nlohmann/json.hpp>

namespace acmepolicy {

const char* to_string(Severity severity) noexcept {
    switch (severity) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "info";
    }
    return "error";
}

void Report::add(Severity severity, std::string code, std::string path, std::string message) {
    diagnostics_.push_back(Diagnostic{severity, std::move(code), std::move(path), std::move(message)});
}
void Report::error(std::string code, std::string path, std::string message) {
    add(Severity::error, std::move(code), std::move(path), std::move(message));
}
void Report::warning(std::string code, std::string path, std::string message) {
    add(Severity::warning, std::move(code), std::move(path), std::move(message));
}
void Report::info(std::string code, std::string path, std::string message) {
    add(Severity::info, std::move(code), std::move(path), std::move(message));
}
void Report::append(const Report& other) {
    diagnostics_.insert(diagnostics_.end(), other.diagnostics_.begin(), other.diagnostics_.end());
}

bool Report::valid() const noexcept {
    for (const auto& d : diagnostics_)
        if (d.severity == Severity::error) return false;
    return true;
}
bool Report::has_warnings() const noexcept {
    for (const auto& d : diagnostics_)
        if (d.severity == Severity::warning) return true;
    return false;
}
bool Report::has_code(const std::string& code) const noexcept {
    for (const auto& d : diagnostics_)
        if (d.code == code) return true;
    return false;
}

nlohmann::json to_json(const Diagnostic& diagnostic) {
    return nlohmann::json{{"severity", to_string(diagnostic.severity)},
                          {"code", diagnostic.code},
                          {"path", diagnostic.path},
                          {"message", diagnostic.message}};
}

nlohmann::json to_json(const Report& report) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : report.diagnostics()) list.push_back(to_json(d));
    return nlohmann::json{{"valid", report.valid()}, {"diagnostics", std::move(list)}};
}

std::string json_pointer_append(const std::string& pointer, const std::string& token) {
    std::string out = pointer;
    out.push_back('/');
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out.push_back(c);
    }
    return out;
}

std::string json_pointer_append(const std::string& pointer, std::size_t index) {
    return pointer + "/" + std::to_string(index);
}

}  // namespace acmepolicy
