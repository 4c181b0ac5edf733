// Stand-in values for variables (see placeholders.hpp).
#include "validation/placeholders.hpp"

#include "acmepolicy/variables.hpp"

namespace acmepolicy::validation {

std::optional<std::string> with_placeholders(std::string_view text) {
    if (!has_template_syntax(text)) return std::string(text);
    // substitute() over parse_template, without building the parse: the same reading of "{{", "}}" and
    // names (spaces around a name ignored), nullopt where parse_template reports an error.
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "{{") == 0) {
            const std::size_t close = text.find("}}", i + 2);
            const std::size_t next_open = text.find("{{", i + 2);
            if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close))
                return std::nullopt;
            std::string_view name = text.substr(i + 2, close - i - 2);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            if (name.empty()) return std::nullopt;
            // Letters and digits only fit every syntax (DNS label, local part, URI, realm user); an e-mail
            // variable stands for a whole address.
            out += name == "user_email" ? "user@example.com" : "x1";
            i = close + 2;
        } else if (text.compare(i, 2, "}}") == 0) {
            return std::nullopt;
        } else {
            out.push_back(text[i]);
            ++i;
        }
    }
    return out;
}

}  // namespace acmepolicy::validation
