// Stand-in values for variables (see placeholders.hpp).
#include "validation/placeholders.hpp"

#include "acmepolicy/variables.hpp"

namespace acmepolicy::validation {

std::optional<std::string> with_placeholders(std::string_view text) {
    if (!has_template_syntax(text)) return std::string(text);
    return substitute(text, [](const std::string& name) -> std::optional<std::string> {
        // Letters and digits only fit every syntax (DNS label, local part, URI, realm user); an e-mail
        // variable stands for a whole address.
        if (name == "user_email") return std::string("user@example.com");
        return std::string("x1");
    });
}

}  // namespace acmepolicy::validation
