// Rule 5: ClientIdentifier is present and differs per device.
#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/placeholders.hpp"
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
    bool per_device = false;
    // Parse errors and unknown variable names are the variable rule's; any variable means "per device" here.
    if (!scan_template(identifier, [](std::string_view) {}, [&](std::string_view) { per_device = true; })) return;
    if (!per_device)
        emit(report, Code::clientidentifier_constant, "/payload/ClientIdentifier",
             "ClientIdentifier " + quote_text(identifier) +
                 " is the same on every device, so the ACME server may refuse all but the first request as a "
                 "replay; include a per-device variable such as {{serial_number}} or {{udid}}.");
}

}  // namespace acmepolicy::validation
