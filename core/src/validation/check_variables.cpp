// Rule 13: {{variables}} are known, balanced, and only where a device value is substituted
// (ClientIdentifier, Subject values, SubjectAltName values).
#include <string>

#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/path_chain.hpp"
#include "validation/placeholders.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr Alias kVariableAliases[] = {
    {"serial", "serial_number"},    {"serialnumber", "serial_number"}, {"SerialNumber", "serial_number"},
    {"device_serial", "serial_number"}, {"email", "user_email"},      {"mail", "user_email"},
    {"user", "user_email"},         {"DeviceName", "device_name"},     {"name", "device_name"},
    {"UDID", "udid"},               {"token", "client_token"},         {"enrollment", "enrollment_id"},
};

// True when `text` parses as a template whose variables are all known: nothing to report, found without
// building the parse.
bool only_known_variables(std::string_view text) noexcept {
    bool known = true;
    const bool ok = scan_template(text, [](std::string_view) {}, [&](std::string_view name) { known = known && is_known_variable(name); });
    return ok && known;
}

// Checks the variables of a string that uses variable syntax; the path is built only for a finding.
void check_template(JsonValue value, const PathLink* at, Report& report) {
    const std::string_view text = value.str();
    // Text without variable syntax scans as a template with no variables: one pass answers both questions.
    if (!value.has_braces() || only_known_variables(text)) return;
    const TemplateParse parsed = parse_template(text);
    if (parsed.error) {
        emit(report, Code::variable_unbalanced, path_of(at),
             "Unbalanced variable braces: " + *parsed.error + ". Write variables as {{name}}, such as {{serial_number}}.");
        return;
    }
    for (const auto& part : parsed.parts) {
        if (!part.is_variable || is_known_variable(part.text)) continue;
        // Each unknown name once, at its first use (as TemplateParse::variables lists them).
        bool seen = false;
        for (const auto& earlier : parsed.parts) {
            if (&earlier == &part) break;
            seen = seen || (earlier.is_variable && earlier.text == part.text);
        }
        if (seen) continue;
        const std::string& name = part.text;
        const auto suggestion = suggest(name, variable_names(), kVariableAliases);
        std::string message = "Unknown variable {{" + name + "}}." + did_you_mean(suggestion);
        message += " Known variables: ";
        for (std::size_t i = 0; i < variable_names().size(); ++i)
            message += (i ? ", " : "") + variable_names()[i];
        emit(report, Code::variable_unknown, path_of(at), message + ".");
    }
}

// Reports every string at or below `value` that uses variable syntax.
void forbid(JsonValue value, const PathLink* at, Report& report) {
    if (!value.has_braces()) return;  // no string below holds a brace, so none uses variable syntax
    if (value.is_string()) {
        if (has_template_syntax(value.str()))
            emit(report, Code::variable_not_allowed, path_of(at),
                 "Variables ({{...}}) are substituted only in ClientIdentifier, Subject values and SubjectAltName "
                 "values; write a fixed value here.");
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            const PathLink link(at, i);
            forbid(value[i], &link, report);
        }
    } else if (value.is_object()) {
        for (const auto& item : value.children()) {
            const PathLink link(at, item.key());
            forbid(item.value(), &link, report);
        }
    }
}

void payload(JsonValue object, const PathLink* payload_link, Report& report) {
    for (const auto& item : object.children()) {
        const std::string_view key = item.key();
        const JsonValue value = item.value();
        const PathLink path(payload_link, key);
        if (key == "ClientIdentifier" && value.is_string()) {
            check_template(value, &path, report);
        } else if (key == "SubjectAltName" && value.is_object()) {
            for (const auto& san : value.children()) {
                const PathLink san_path(&path, san.key());
                if (san.value().is_string()) check_template(san.value(), &san_path, report);
                else forbid(san.value(), &san_path, report);
            }
        } else if (key == "Subject" && value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                const JsonValue rdn = value[i];
                const PathLink rdn_path(&path, i);
                if (!rdn.is_array()) {
                    forbid(rdn, &rdn_path, report);
                    continue;
                }
                for (std::size_t j = 0; j < rdn.size(); ++j) {
                    const JsonValue pair = rdn[j];
                    const PathLink pair_path(&rdn_path, j);
                    if (pair.is_array() && pair.size() == 2 && pair[1].is_string()) {
                        if (pair[0].is_string()) {
                            const PathLink type_path(&pair_path, std::size_t{0});
                            forbid(pair[0], &type_path, report);
                        }
                        const PathLink value_path(&pair_path, std::size_t{1});
                        check_template(pair[1], &value_path, report);
                    } else {
                        forbid(pair, &pair_path, report);
                    }
                }
            }
        } else if (value.has_braces()) {  // forbid's own first test, without the call
            forbid(value, &path, report);
        }
    }
}

}  // namespace

void check_variables(JsonValue document, Report& report) {
    // No string value anywhere holds a brace: no variable to check, none out of place.
    if (!document.is_object() || !document.has_braces()) return;
    for (const auto& item : document.children()) {
        // notes is free text for administrators: it never reaches a device, so braces there are harmless.
        if (item.key() == "notes") continue;
        const PathLink path(nullptr, item.key());
        if (item.key() == "payload" && item.value().is_object()) payload(item.value(), &path, report);
        else if (item.value().has_braces()) forbid(item.value(), &path, report);
    }
}

}  // namespace acmepolicy::validation
