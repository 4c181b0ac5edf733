// Preparing a policy for rendering and filling in one device's variables.
#include "render/prepared.hpp"

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/plist.hpp"
#include "render/builders.hpp"
#include "render/canonical.hpp"

namespace acmepolicy::render_detail {
namespace {

TemplateField make_field(std::string path, const std::string& text, Report& report) {
    TemplateField field;
    field.path = std::move(path);
    field.text = text;
    TemplateParse parse = parse_template(text);
    if (parse.error) {
        report.error("render.template_invalid", field.path,
                     "This value has malformed {{variable}} syntax (" + *parse.error +
                         "); validate the policy and fix the braces before rendering.");
        return field;
    }
    for (const auto& part : parse.parts) {
        if (!part.is_variable) continue;
        field.has_variables = true;
        if (!is_known_variable(part.text))
            report.error("render.template_invalid", field.path,
                         "{{" + part.text + "}} is not a known variable; validate the policy before rendering.");
    }
    field.parts = std::move(parse.parts);
    return field;
}

bool uses_variable(const TemplateField& field, const std::string& name) {
    for (const auto& part : field.parts)
        if (part.is_variable && part.text == name) return true;
    return false;
}

bool is_reverse_dns(const std::string& text) {
    if (text.empty() || text.size() > 200 || text.front() == '.' || text.back() == '.') return false;
    char previous = '.';
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.' || c == '_';
        if (!ok || (c == '.' && previous == '.')) return false;
        previous = c;
    }
    return true;
}

void check_text_option(const std::optional<std::string>& value, const char* name, Report& report) {
    if (value && !plist::is_xml_text(*value))
        report.error("render.option_invalid", std::string("/options/") + name,
                     std::string("The ") + name +
                         " option holds bytes that are not UTF-8 text an XML profile can carry (NUL or other "
                         "control characters); remove them.");
}

}  // namespace

PreparedPolicy prepare(const Policy& policy, const RenderOptions& options) {
    PreparedPolicy p;
    p.policy = policy;
    p.options = options;
    p.top_identifier = options.identifier_prefix + "." + policy.id;
    p.uuid_policy_name = policy.id;
    if (options.renewal > 0) p.uuid_policy_name += std::string("\0renewal:", 9) + std::to_string(options.renewal);
    Report& report = p.report;

    if (!is_reverse_dns(options.identifier_prefix))
        report.error("render.identifier_prefix_invalid", "/options/identifier_prefix",
                     "The identifier prefix \"" + options.identifier_prefix +
                         "\" is not a reverse-DNS name; use letters, digits, '-' and '_' in dot-separated labels, "
                         "e.g. \"com.example.mdm\".");
    if (policy.id.empty())
        report.error("render.policy_id_missing", "/id",
                     "The policy has no id; give it an id or a name to derive one from, and validate it.");
    check_text_option(options.organization, "organization", report);
    check_text_option(options.description, "description", report);
    if (options.ddm_authentication != "MDM" && options.ddm_authentication != "None")
        report.error("render.option_invalid", "/options/ddm_authentication",
                     "ddm_authentication must be \"MDM\" or \"None\" (Apple's Authentication Type values).");
    if (options.ddm_accessible != "Default" && options.ddm_accessible != "AfterFirstUnlock")
        report.error("render.option_invalid", "/options/ddm_accessible",
                     "ddm_accessible must be \"Default\" or \"AfterFirstUnlock\".");

    const AcmePayload& acme = policy.payload;
    p.client_identifier = make_field("/payload/ClientIdentifier", acme.client_identifier, report);
    for (std::size_t i = 0; i < acme.subject.size(); ++i) {
        std::vector<std::pair<std::string, TemplateField>> rdn;
        const std::string rdn_path = json_pointer_append("/payload/Subject", i);
        for (std::size_t j = 0; j < acme.subject[i].size(); ++j) {
            const auto& attribute = acme.subject[i][j];
            rdn.emplace_back(attribute.type,
                             make_field(json_pointer_append(json_pointer_append(rdn_path, j), 1), attribute.value,
                                        report));
        }
        p.subject.push_back(std::move(rdn));
    }
    if (acme.subject_alt_name) {
        const SubjectAltName& san = *acme.subject_alt_name;
        auto field = [&](const std::optional<std::string>& v, const char* key) -> std::optional<TemplateField> {
            if (!v) return std::nullopt;
            return make_field(std::string("/payload/SubjectAltName/") + key, *v, report);
        };
        p.rfc822_name = field(san.rfc822_name, "rfc822Name");
        p.dns_name = field(san.dns_name, "dNSName");
        p.uniform_resource_identifier = field(san.uniform_resource_identifier, "uniformResourceIdentifier");
        p.nt_principal_name = field(san.nt_principal_name, "ntPrincipalName");
    }
    auto token_in = [](const std::optional<TemplateField>& f) { return f && uses_variable(*f, "client_token"); };
    p.uses_client_token = uses_variable(p.client_identifier, "client_token") || token_in(p.rfc822_name) ||
                          token_in(p.dns_name) || token_in(p.uniform_resource_identifier) ||
                          token_in(p.nt_principal_name);
    for (const auto& rdn : p.subject)
        for (const auto& attribute : rdn) p.uses_client_token = p.uses_client_token || uses_variable(attribute.second, "client_token");

    for (std::size_t i = 0; i < policy.ca_certificates.size(); ++i) {
        CertificateRead read = read_pem_certificate(policy.ca_certificates[i]);
        if (!read.certificate) {
            report.error("render.ca_certificate_invalid", json_pointer_append("/ca_certificates", i),
                         "This CA certificate cannot be read (" + read.error +
                             "); validate the policy and replace the certificate.");
            continue;
        }
        PreparedCa ca;
        ca.der = std::move(read.certificate->der);
        ca.display_name = read.certificate->subject.empty() ? "CA certificate " + std::to_string(i + 1)
                                                            : read.certificate->subject;
        ca.file_name = policy.id + "-ca-" + std::to_string(i + 1) + ".cer";
        p.ca_certificates.push_back(std::move(ca));
    }
    for (std::size_t i = 0; i < p.ca_certificates.size(); ++i)
        append_canonical(p.ca_certificates[i].canonical, root_payload(p, p.ca_certificates[i], i), "PayloadUUID");
    return p;
}

namespace {

/// Printable ASCII is always XML text: the common case, checked without decoding UTF-8.
bool is_xml_text(const std::string& value) {
    for (unsigned char c : value)
        if (c < 0x20 || c > 0x7E) return plist::is_xml_text(value);
    return true;
}

/// The device's value of a variable read in place (DeviceRecord::variable returns a copy, and this runs
/// for every variable of every device); null when the record lacks it. Names other than the record's
/// fields go to DeviceRecord::variable, with `scratch` holding its answer.
const std::string* device_value(const DeviceRecord& device, const std::string& name,
                                std::optional<std::string>& scratch) {
    const std::optional<std::string>* field = nullptr;
    if (name == "serial_number") field = &device.serial_number;
    else if (name == "udid") field = &device.udid;
    else if (name == "user_email") field = &device.user_email;
    else if (name == "device_name") field = &device.device_name;
    else if (name == "enrollment_id") field = &device.enrollment_id;
    else if (name == "device_id") return &device.id;
    if (field) return *field ? &**field : nullptr;
    scratch = device.variable(name);
    return scratch ? &*scratch : nullptr;
}

/// Fills in one device's variables, field by field, reporting what is missing or unusable. In preview
/// mode, or for fields without variables, a field's text is its value.
class Filler {
public:
    Filler(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report)
        : prepared_(prepared), device_(device), report_(report) {}

    /// Checks that there is a device (unless previewing) and derives its client token when the policy
    /// uses one. False when nothing can be filled in.
    bool start() {
        Report& report = report_;  // (the codes reference test finds diagnostics by `report.error(`)
        if (!prepared_.options.preview && !device_) {
            report.error("render.device_missing", "/options/device",
                          "Rendering for a device needs its device record; give one, or ask for a preview.");
            return false;
        }
        if (!prepared_.options.preview && prepared_.uses_client_token) {
            const auto& secret = prepared_.options.client_token_secret;
            if (!secret || secret->empty())
                report.error("render.client_token_secret_missing", "/options/client_token_secret",
                              "The policy uses {{client_token}}, which is derived from a server secret; give the "
                              "client_token_secret option.");
            else
                token_ = client_token(*secret, prepared_.policy.id, device_->id);
        }
        return true;
    }

    void fill(const TemplateField& field, std::string& result) {
        Report& report = report_;
        result.clear();
        if (!field.has_variables || prepared_.options.preview) {
            result = field.text;
            return;
        }
        result.reserve(field.text.size() + 32);
        for (const auto& part : field.parts) {
            if (!part.is_variable) {
                result += part.text;
                continue;
            }
            if (part.text == "client_token") {
                if (token_) result += *token_;  // a missing secret was reported once in start()
                continue;
            }
            const std::string* value = device_value(*device_, part.text, scratch_);
            if (!value || value->empty()) {
                report.error("render.variable_missing", field.path,
                              "Device \"" + device_->id + "\" has no " + part.text + ", which this value uses ({{" +
                                  part.text + "}}); add \"" + part.text +
                                  "\" to the device record or leave this device out of the policy's targets.");
                continue;
            }
            if (!is_xml_text(*value)) {
                report.error("render.value_invalid", field.path,
                              "Device \"" + device_->id + "\" has a " + part.text +
                                  " holding bytes an XML profile cannot carry (NUL or other control characters, or "
                                  "invalid UTF-8); fix the device record.");
                continue;
            }
            result += *value;
        }
    }

private:
    const PreparedPolicy& prepared_;
    const DeviceRecord* device_;
    Report& report_;
    std::optional<std::string> token_;
    std::optional<std::string> scratch_;
};

bool errors_since(const Report& report, std::size_t before) {
    for (std::size_t i = before; i < report.diagnostics().size(); ++i)
        if (report.diagnostics()[i].severity == Severity::error) return true;
    return false;
}

}  // namespace

std::optional<ResolvedValues> resolve(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report) {
    const std::size_t diagnostics_before = report.diagnostics().size();
    Filler filler(prepared, device, report);
    if (!filler.start()) return std::nullopt;
    ResolvedValues out;
    out.device_id = device ? device->id : std::string();
    filler.fill(prepared.client_identifier, out.client_identifier);
    for (const auto& rdn : prepared.subject) {
        std::vector<std::pair<std::string, std::string>> values;
        values.reserve(rdn.size());
        for (const auto& [type, field] : rdn) {
            values.emplace_back(type, std::string());
            filler.fill(field, values.back().second);
        }
        out.subject.push_back(std::move(values));
    }
    auto fill_optional = [&](const std::optional<TemplateField>& f, std::optional<std::string>& value) {
        if (!f) return;
        value.emplace();
        filler.fill(*f, *value);
    };
    fill_optional(prepared.rfc822_name, out.rfc822_name);
    fill_optional(prepared.dns_name, out.dns_name);
    fill_optional(prepared.uniform_resource_identifier, out.uniform_resource_identifier);
    fill_optional(prepared.nt_principal_name, out.nt_principal_name);
    if (errors_since(report, diagnostics_before)) return std::nullopt;
    return out;
}

bool fill_fields(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report,
                 std::vector<std::string>& values) {
    const std::size_t diagnostics_before = report.diagnostics().size();
    Filler filler(prepared, device, report);
    if (!filler.start()) return false;
    std::size_t count = 0;
    for_each_field(prepared, [&](const TemplateField&) { ++count; });
    if (values.size() < count) values.resize(count);
    std::size_t i = 0;
    for_each_field(prepared, [&](const TemplateField& field) { filler.fill(field, values[i++]); });
    return !errors_since(report, diagnostics_before);
}

}  // namespace acmepolicy::render_detail
