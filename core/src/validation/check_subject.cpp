// Rule 8: Subject's attribute types (shortcuts or dotted OIDs) and values.
#include <string>

#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/placeholders.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/syntax.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

// Constant tables of views: no start-up code, no strlen in comparisons.
constexpr std::string_view kShortcuts[] = {"C", "L", "ST", "O", "OU", "CN"};
struct NamedType {
    std::string_view name;
    std::string_view replacement;
};
// Attribute names that are not Apple shortcuts, with the OID to write instead.
constexpr NamedType kNamedTypes[] = {
    {"E", "1.2.840.113549.1.9.1"},         {"emailAddress", "1.2.840.113549.1.9.1"},
    {"SN", "2.5.4.4"},                     {"surname", "2.5.4.4"},
    {"serialNumber", "2.5.4.5"},           {"STREET", "2.5.4.9"},
    {"title", "2.5.4.12"},                 {"GN", "2.5.4.42"},
    {"givenName", "2.5.4.42"},             {"DC", "0.9.2342.19200300.100.1.25"},
    {"UID", "0.9.2342.19200300.100.1.1"},  {"postalCode", "2.5.4.17"},
    {"S", "ST"},                           {"countryName", "C"},
    {"commonName", "CN"},                  {"organizationName", "O"},
    {"organizationalUnitName", "OU"},      {"localityName", "L"},
    {"stateOrProvinceName", "ST"},
};

bool is_shortcut(std::string_view type) noexcept {
    if (type.size() > 2) return false;
    for (const std::string_view shortcut : kShortcuts)
        if (shortcut == type) return true;
    return false;
}

std::string attribute_path(std::size_t rdn, std::size_t pair, std::size_t item) {
    return "/payload/Subject/" + std::to_string(rdn) + "/" + std::to_string(pair) + "/" + std::to_string(item);
}

void check_type(const std::string& type, std::size_t rdn, std::size_t pair, Report& report) {
    if (is_shortcut(type)) return;
    const std::string path = attribute_path(rdn, pair, 0);
    for (const std::string_view s : kShortcuts) {
        if (iequals(s, type)) {
            emit(report, Code::subject_type_case, path,
                 "Attribute type " + quote_text(type) + " must be written in upper case: \"" + std::string(s) + "\".");
            return;
        }
    }
    for (const auto& [name, replacement] : kNamedTypes) {
        if (iequals(name, type)) {
            emit(report, Code::subject_type_invalid, path,
                 "Attribute type " + quote_text(type) + " is not one of Apple's shortcuts (C, L, ST, O, OU, CN); write \"" +
                     std::string(replacement) + "\" instead.");
            return;
        }
    }
    std::string why;
    const bool looks_numeric = !type.empty() && type[0] >= '0' && type[0] <= '9';
    if (looks_numeric && is_dotted_oid(type, &why)) return;
    emit(report, Code::subject_type_invalid, path,
         "Attribute type " + quote_text(type) + " is neither a shortcut (C, L, ST, O, OU, CN) nor a dotted OID" +
             (looks_numeric ? " (" + why + ")" : std::string()) + "; use a shortcut or an OID such as 2.5.4.5.");
}

bool is_country(const std::string& value) {
    if (value.size() != 2) return false;
    for (char c : value)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
    return true;
}

}  // namespace

void check_subject(const PolicyDraft& draft, Report& report) {
    if (!draft.has_subject) return;
    const auto& subject = draft.policy.payload.subject;
    if (subject.empty()) {
        emit(report, Code::subject_empty, "/payload/Subject",
             "Subject is empty: give at least one RDN, such as [[[\"CN\", \"{{serial_number}}\"]]].");
        return;
    }
    for (std::size_t i = 0; i < subject.size(); ++i) {
        for (std::size_t j = 0; j < subject[i].size(); ++j) {
            const SubjectAttribute& attribute = subject[i][j];
            check_type(attribute.type, i, j, report);
            const auto value_path = [&] { return attribute_path(i, j, 1); };
            if (trim(attribute.value).empty()) {
                emit(report, Code::subject_value_empty, value_path(),
                     "The value of " + quote_text(attribute.type) + " is empty: give it a value or remove the pair.");
                continue;
            }
            const std::string_view type = attribute.type;
            if (type == std::string_view("C", 1) && !is_country(attribute.value)) {
                emit(report, Code::subject_country, value_path(),
                     "Country " + quote_text(attribute.value) +
                         " is not a two-letter ISO 3166 code; write it like \"US\" or \"DE\".");
            }
            if (type == std::string_view("CN", 2) && (attribute.value.size() > 64 || has_template_syntax(attribute.value))) {
                std::string buffer;
                std::string_view expanded;
                const std::size_t length = count_characters(
                    with_placeholders(attribute.value, buffer, expanded) ? expanded : std::string_view(attribute.value));
                if (length > 64)
                    emit(report, Code::subject_cn_long, value_path(),
                         "This CN has " + std::to_string(length) +
                             " characters; RFC 5280 allows at most 64, and many ACME servers refuse longer ones. "
                             "Shorten it.");
            }
        }
    }
}

}  // namespace acmepolicy::validation
