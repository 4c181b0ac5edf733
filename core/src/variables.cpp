// Template variables in policy strings.
#include "acmepolicy/variables.hpp"

#include <algorithm>

namespace acmepolicy {

const std::vector<std::string>& variable_names() {
    static const std::vector<std::string> names = {"serial_number", "udid",       "enrollment_id", "device_id",
                                                   "device_name",   "user_email", "client_token"};
    return names;
}

bool is_known_variable(std::string_view name) noexcept {
    // The names of variable_names(), by length: one comparison with a literal instead of a search
    // (tests/validation holds the two lists together).
    using Name = std::string_view;
    switch (name.size()) {
        case 4: return name == Name("udid", 4);
        case 9: return name == Name("device_id", 9);
        case 10: return name == Name("user_email", 10);
        case 11: return name == Name("device_name", 11);
        case 12: return name == Name("client_token", 12);
        case 13: return name == Name("serial_number", 13) || name == Name("enrollment_id", 13);
        default: return false;
    }
}

bool has_template_syntax(std::string_view text) noexcept {
    // One pass for both pairs (two searches would each walk the text).
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && text[i + 1] == c) return true;
    }
    return false;
}

std::vector<std::string> TemplateParse::variables() const {
    std::vector<std::string> names;
    for (const auto& part : parts)
        if (part.is_variable && std::find(names.begin(), names.end(), part.text) == names.end())
            names.push_back(part.text);
    return names;
}

TemplateParse parse_template(std::string_view text) {
    TemplateParse result;
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "{{") == 0) {
            const std::size_t close = text.find("}}", i + 2);
            const std::size_t next_open = text.find("{{", i + 2);
            if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close)) {
                result.parts.clear();
                result.error = "\"{{\" at character " + std::to_string(i + 1) + " has no matching \"}}\"";
                return result;
            }
            std::string name(text.substr(i + 2, close - i - 2));
            // Tolerate spaces inside the braces ("{{ udid }}"), as template languages do.
            const auto first = name.find_first_not_of(' ');
            const auto last = name.find_last_not_of(' ');
            name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
            if (name.empty()) {
                result.parts.clear();
                result.error = "\"{{}}\" at character " + std::to_string(i + 1) + " names no variable";
                return result;
            }
            if (!literal.empty()) result.parts.push_back({false, std::move(literal)});
            literal.clear();
            result.parts.push_back({true, std::move(name)});
            i = close + 2;
        } else if (text.compare(i, 2, "}}") == 0) {
            result.parts.clear();
            result.error = "\"}}\" at character " + std::to_string(i + 1) + " has no matching \"{{\"";
            return result;
        } else {
            literal.push_back(text[i]);
            ++i;
        }
    }
    if (!literal.empty()) result.parts.push_back({false, std::move(literal)});
    return result;
}

std::optional<std::string> substitute(
    std::string_view text, const std::function<std::optional<std::string>(const std::string&)>& lookup,
    std::string* missing) {
    const TemplateParse parsed = parse_template(text);
    if (parsed.error) return std::nullopt;
    std::string out;
    for (const auto& part : parsed.parts) {
        if (!part.is_variable) {
            out += part.text;
            continue;
        }
        auto value = lookup(part.text);
        if (!value) {
            if (missing) *missing = part.text;
            return std::nullopt;
        }
        out += *value;
    }
    return out;
}

}  // namespace acmepolicy
