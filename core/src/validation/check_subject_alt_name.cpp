// Rule 9: SubjectAltName values, checked with their variables standing in as placeholders.
#include <string>

#include "validation/codes.hpp"
#include "validation/placeholders.hpp"
#include "validation/rules.hpp"
#include "validation/syntax.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

bool is_principal_name(std::string_view text) {
    const std::size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
    if (text.find('@', at + 1) != std::string_view::npos) return false;
    for (char c : text.substr(0, at))
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
    return is_dns_name(text.substr(at + 1));
}

}  // namespace

void check_subject_alt_name(const PolicyDraft& draft, Report& report) {
    const auto& san = draft.policy.payload.subject_alt_name;
    if (!san) return;
    const std::string_view base = "/payload/SubjectAltName";
    std::string buffer;
    std::string_view value;
    if (san->rfc822_name) {
        if (with_placeholders(*san->rfc822_name, buffer, value) && !is_addr_spec(value))
            emit(report, Code::subjectaltname_rfc822name, std::string(base) + "/rfc822Name",
                 "rfc822Name " + quote_text(*san->rfc822_name) +
                     " is not an e-mail address; write it like \"user@example.com\" or \"{{user_email}}\".");
    }
    if (san->dns_name) {
        if (with_placeholders(*san->dns_name, buffer, value)) {
            std::string_view name = value;
            const bool wildcard = name.substr(0, 2) == "*.";
            if (wildcard) name.remove_prefix(2);
            std::string why;
            if (!is_dns_name(name, &why))
                emit(report, Code::subjectaltname_dnsname, std::string(base) + "/dNSName",
                     "dNSName " + quote_text(*san->dns_name) + " is not a DNS name: " + why +
                         ". Write it like \"device.example.com\".");
            else if (wildcard)
                emit(report, Code::subjectaltname_dnsname_wildcard, std::string(base) + "/dNSName",
                     "dNSName " + quote_text(*san->dns_name) +
                         " is a wildcard; a device certificate names one host, and most ACME servers refuse "
                         "wildcards without a DNS challenge. Name the host instead.");
        }
    }
    if (san->uniform_resource_identifier) {
        if (with_placeholders(*san->uniform_resource_identifier, buffer, value) && !is_absolute_uri(value))
            emit(report, Code::subjectaltname_uri, std::string(base) + "/uniformResourceIdentifier",
                 "uniformResourceIdentifier " + quote_text(*san->uniform_resource_identifier) +
                     " is not an absolute URI; write it with a scheme, like \"urn:example:{{udid}}\" or "
                     "\"https://example.com/devices/{{device_id}}\".");
    }
    if (san->nt_principal_name) {
        if (with_placeholders(*san->nt_principal_name, buffer, value) && !is_principal_name(value))
            emit(report, Code::subjectaltname_ntprincipalname, std::string(base) + "/ntPrincipalName",
                 "ntPrincipalName " + quote_text(*san->nt_principal_name) +
                     " is not of the form user@REALM; write it like \"jdoe@EXAMPLE.COM\".");
    }
}

}  // namespace acmepolicy::validation
