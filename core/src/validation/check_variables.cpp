// Rule 13: {{variables}} are known, balanced, and only where a device value is substituted
// (ClientIdentifier, Subject values, SubjectAltName values).
#include <string>

#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/path_buffer.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

using nlohmann::json;

const std::vector<std::pair<std::string, std::string>> kVariableAliases = {
    {"serial", "serial_number"},    {"serialnumber", "serial_number"}, {"SerialNumber", "serial_number"},
    {"device_serial", "serial_number"}, {"email", "user_email"},      {"mail", "user_email"},
    {"user", "user_email"},         {"DeviceName", "device_name"},     {"name", "device_name"},
    {"UDID", "udid"},               {"token", "client_token"},         {"enrollment", "enrollment_id"},
};

void check_template(const std::string& text, const std::string& path, Report& report) {
    if (!has_template_syntax(text)) return;
    const TemplateParse parsed = parse_template(text);
    if (parsed.error) {
        emit(report, Code::variable_unbalanced, path,
             "Unbalanced variable braces: " + *parsed.error + ". Write variables as {{name}}, such as {{serial_number}}.");
        return;
    }
    for (const auto& name : parsed.variables()) {
        if (is_known_variable(name)) continue;
        const auto suggestion = suggest(name, variable_names(), kVariableAliases);
        std::string message = "Unknown variable {{" + name + "}}." + did_you_mean(suggestion);
        message += " Known variables: ";
        for (std::size_t i = 0; i < variable_names().size(); ++i)
            message += (i ? ", " : "") + variable_names()[i];
        emit(report, Code::variable_unknown, path, message + ".");
    }
}

void forbid_below(const json& value, PathBuffer& path, Report& report) {
    if (value.is_string()) {
        if (has_template_syntax(value.get_ref<const std::string&>()))
            emit(report, Code::variable_not_allowed, path.str(),
                 "Variables ({{...}}) are substituted only in ClientIdentifier, Subject values and SubjectAltName "
                 "values; write a fixed value here.");
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            PathBuffer::Segment segment(path, i);
            forbid_below(value[i], path, report);
        }
    } else if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            PathBuffer::Segment segment(path, it.key());
            forbid_below(it.value(), path, report);
        }
    }
}

bool contains_template(const json& value) {
    if (value.is_string()) return has_template_syntax(value.get_ref<const std::string&>());
    if (value.is_array() || value.is_object()) {
        for (const auto& child : value)
            if (contains_template(child)) return true;
    }
    return false;
}

// Reports every string at or below `value` that uses variable syntax; `path()` points at `value` and is
// only built when there is something to report.
template <typename PathFn>
void forbid(const json& value, PathFn&& path, Report& report) {
    if (!contains_template(value)) return;
    PathBuffer buffer(path());
    forbid_below(value, buffer, report);
}

void payload(const json& object, Report& report) {
    for (const auto& item : object.items()) {
        const std::string& key = item.key();
        const json& value = item.value();
        const auto path = [&] { return json_pointer_append("/payload", key); };
        if (key == "ClientIdentifier" && value.is_string()) {
            check_template(value.get_ref<const std::string&>(), path(), report);
        } else if (key == "SubjectAltName" && value.is_object()) {
            for (const auto& san : value.items()) {
                const auto san_path = [&] { return json_pointer_append(path(), san.key()); };
                if (san.value().is_string()) {
                    if (has_template_syntax(san.value().get_ref<const std::string&>()))
                        check_template(san.value().get_ref<const std::string&>(), san_path(), report);
                } else {
                    forbid(san.value(), san_path, report);
                }
            }
        } else if (key == "Subject" && value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                const json& rdn = value[i];
                if (!rdn.is_array()) {
                    forbid(rdn, [&] { return json_pointer_append(path(), i); }, report);
                    continue;
                }
                for (std::size_t j = 0; j < rdn.size(); ++j) {
                    const json& pair = rdn[j];
                    const auto pair_path = [&] { return path() + "/" + std::to_string(i) + "/" + std::to_string(j); };
                    if (pair.is_array() && pair.size() == 2 && pair[1].is_string()) {
                        if (pair[0].is_string() && has_template_syntax(pair[0].get_ref<const std::string&>()))
                            forbid(pair[0], [&] { return pair_path() + "/0"; }, report);
                        if (has_template_syntax(pair[1].get_ref<const std::string&>()))
                            check_template(pair[1].get_ref<const std::string&>(), pair_path() + "/1", report);
                    } else {
                        forbid(pair, pair_path, report);
                    }
                }
            }
        } else {
            forbid(value, path, report);
        }
    }
}

}  // namespace

void check_variables(const nlohmann::json& document, Report& report) {
    if (!document.is_object()) return;
    for (const auto& item : document.items()) {
        // notes is free text for administrators: it never reaches a device, so braces there are harmless.
        if (item.key() == "notes") continue;
        if (item.key() == "payload" && item.value().is_object()) payload(item.value(), report);
        else forbid(item.value(), [&] { return json_pointer_append("", item.key()); }, report);
    }
}

}  // namespace acmepolicy::validation
