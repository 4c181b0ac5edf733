// Stand-in values for variables, so a templated value ("{{serial_number}}@example.com") can be checked
// for syntax before any device is known.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acmepolicy::validation {

/// Walks `text` as parse_template reads it, without building the parse: literal(c) for each literal byte,
/// variable(name) for each variable (name without the spaces around it). False at the first error
/// parse_template would report (nothing more is called then).
template <typename Literal, typename Variable>
bool scan_template(std::string_view text, Literal&& literal, Variable&& variable) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "{{") == 0) {
            const std::size_t close = text.find("}}", i + 2);
            const std::size_t next_open = text.find("{{", i + 2);
            if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close))
                return false;
            std::string_view name = text.substr(i + 2, close - i - 2);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            if (name.empty()) return false;
            variable(name);
            i = close + 2;
        } else if (text.compare(i, 2, "}}") == 0) {
            return false;
        } else {
            literal(text[i]);
            ++i;
        }
    }
    return true;
}

/// The text with each variable replaced by a syntactically neutral sample ("x1", or an e-mail address for
/// user_email); nullopt when the braces do not balance (the variable rule reports that).
std::optional<std::string> with_placeholders(std::string_view text);

/// The same without a copy when there is nothing to replace: `out` is `text` itself, or the substituted
/// text kept in `buffer`; false when the braces do not balance.
bool with_placeholders(std::string_view text, std::string& buffer, std::string_view& out);

}  // namespace acmepolicy::validation
