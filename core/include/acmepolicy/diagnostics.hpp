// Diagnostics: the one shape in which every part of acmepolicy reports a problem with its input.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace acmepolicy {

enum class Severity { error, warning, info };

/// "error", "warning" or "info": the spelling used in every public JSON document.
const char* to_string(Severity severity) noexcept;

/// One finding about an input document.
/// `code` is stable, dotted and lower-case (listed in docs/diagnostics.md); `path` is an RFC 6901 JSON
/// pointer to the offending value ("" for the whole document); `message` is a sentence for a human that
/// says what is wrong and how to fix it.
struct Diagnostic {
    Severity severity = Severity::error;
    std::string code;
    std::string path;
    std::string message;

    bool operator==(const Diagnostic& other) const {
        return severity == other.severity && code == other.code && path == other.path &&
               message == other.message;
    }
};

/// An ordered list of diagnostics; the order is deterministic for a given input.
class Report {
public:
    void add(Severity severity, std::string code, std::string path, std::string message);
    void error(std::string code, std::string path, std::string message);
    void warning(std::string code, std::string path, std::string message);
    void info(std::string code, std::string path, std::string message);
    void append(const Report& other);

    /// True iff no diagnostic has severity error.
    bool valid() const noexcept;
    bool has_warnings() const noexcept;
    bool has_code(const std::string& code) const noexcept;

    const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
    bool empty() const noexcept { return diagnostics_.empty(); }

private:
    std::vector<Diagnostic> diagnostics_;
};

/// {"severity", "code", "path", "message"}
nlohmann::json to_json(const Diagnostic& diagnostic);
/// {"valid": bool, "diagnostics": [...]}: the public validation result shape.
nlohmann::json to_json(const Report& report);

/// Appends one RFC 6901 reference token to a JSON pointer, escaping '~' and '/'.
std::string json_pointer_append(const std::string& pointer, const std::string& token);
std::string json_pointer_append(const std::string& pointer, std::size_t index);

}  // namespace acmepolicy
