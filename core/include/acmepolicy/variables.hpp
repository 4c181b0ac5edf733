// Template variables ({{serial_number}} ...) in policy strings: finding, checking and substituting them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acmepolicy {

/// The variable names a policy may use, in documentation order.
const std::vector<std::string>& variable_names();
/// Variables whose value differs per device (all of them).
bool is_known_variable(std::string_view name) noexcept;

/// One piece of a template string: literal text or a variable reference.
struct TemplatePart {
    bool is_variable = false;
    std::string text;  // the literal text, or the variable's name
};

/// The parse of a template string; `error` is set for unbalanced braces ("{{", "}}" or "{" "}" misuse)
/// or an empty variable name, and then `parts` is empty.
struct TemplateParse {
    std::vector<TemplatePart> parts;
    std::optional<std::string> error;

    /// Names of the variables used, in order of first use, without repeats.
    std::vector<std::string> variables() const;
};

/// Splits "urn:{{udid}}" into literal and variable parts. Names are taken as written (checked separately
/// with is_known_variable). A single '{' or '}' not part of a "{{"/"}}" pair is literal text.
TemplateParse parse_template(std::string_view text);

/// True when the string contains "{{" or "}}" at all.
bool has_template_syntax(std::string_view text) noexcept;

/// Replaces each variable by lookup(name). Returns nullopt (and sets `missing` to the first name) when
/// lookup returns nullopt for any variable. The template must parse without error.
std::optional<std::string> substitute(
    std::string_view text,
    const std::function<std::optional<std::string>(const std::string&)>& lookup,
    std::string* missing = nullptr);

}  // namespace acmepolicy
