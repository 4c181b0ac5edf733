// Stand-in values for variables (see placeholders.hpp).
#include "validation/placeholders.hpp"

#include "acmepolicy/variables.hpp"

namespace acmepolicy::validation {

bool with_placeholders(std::string_view text, std::string& buffer, std::string_view& result) {
    // The buffer is written only once a variable turns up; until then the one literal run is the text itself.
    bool substituted = false;
    std::string_view before;
    const bool ok = scan_template(
        text,
        [&](std::string_view run) {
            if (substituted) buffer.append(run.data(), run.size());
            else before = run;
        },
        [&](std::string_view name) {
            if (!substituted) {
                substituted = true;
                buffer.assign(before.data(), before.size());
            }
            // Letters and digits only fit every syntax (DNS label, local part, URI, realm user); an e-mail
            // variable stands for a whole address.
            if (name == std::string_view("user_email")) buffer.append("user@example.com", 16);
            else buffer.append("x1", 2);
        });
    if (!ok) return false;
    result = substituted ? std::string_view(buffer) : text;
    return true;
}

}  // namespace acmepolicy::validation
