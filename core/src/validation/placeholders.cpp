// Stand-in values for variables (see placeholders.hpp).
#include "validation/placeholders.hpp"

#include "acmepolicy/variables.hpp"

namespace acmepolicy::validation {

std::optional<std::string> with_placeholders(std::string_view text) {
    std::string buffer;
    std::string_view out;
    if (!with_placeholders(text, buffer, out)) return std::nullopt;
    return std::string(out);
}

bool with_placeholders(std::string_view text, std::string& buffer, std::string_view& result) {
    if (!has_template_syntax(text)) {
        result = text;
        return true;
    }
    std::string& out = buffer;
    out.clear();
    const bool ok = scan_template(
        text, [&](char c) { out.push_back(c); },
        [&](std::string_view name) {
            // Letters and digits only fit every syntax (DNS label, local part, URI, realm user); an e-mail
            // variable stands for a whole address.
            out += name == "user_email" ? "user@example.com" : "x1";
        });
    if (!ok) return false;
    result = out;
    return true;
}

}  // namespace acmepolicy::validation
