// Rule 5: ClientIdentifier is present and differs per device.
#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {

void check_client_identifier(const PolicyDraft& draft, Report& report) {
    if (!draft.has_client_identifier) return;
    const std::string& identifier = draft.policy.payload.client_identifier;
    if (trim(identifier).empty()) {
        emit(report, Code::clientidentifier_empty, "/payload/ClientIdentifier",
             "ClientIdentifier is empty: give each device its own identifier, such as \"{{serial_number}}\".");
        return;
    }
    const TemplateParse parsed = parse_template(identifier);
    if (parsed.error) return;  // reported by the variable rule
    // Unknown variable names are reported by the variable rule; any variable means "per device" here.
    if (parsed.variables().empty())
        emit(report, Code::clientidentifier_constant, "/payload/ClientIdentifier",
             "ClientIdentifier " + quote_text(identifier) +
                 " is the same on every device, so the ACME server may refuse all but the first request as a "
                 "replay; include a per-device variable such as {{serial_number}} or {{udid}}.");
}

}  // namespace acmepolicy::validation
