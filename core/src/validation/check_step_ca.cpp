// Rule 14: what step-ca's device-attest-01 challenge enforces on top of Apple's rules.
#include <string>

#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"
#include "validation/rules.hpp"

namespace acmepolicy::validation {
namespace {

// Two templates are the same when they have the same literal and variable parts ("{{ udid }}" == "{{udid}}").
bool same_template(const std::string& a, const std::string& b) {
    const TemplateParse pa = parse_template(a);
    const TemplateParse pb = parse_template(b);
    if (pa.error || pb.error) return a == b;
    if (pa.parts.size() != pb.parts.size()) return false;
    for (std::size_t i = 0; i < pa.parts.size(); ++i)
        if (pa.parts[i].is_variable != pb.parts[i].is_variable || pa.parts[i].text != pb.parts[i].text) return false;
    return true;
}

bool is_attested_identifier(const std::string& identifier) {
    const TemplateParse parsed = parse_template(identifier);
    return !parsed.error && parsed.parts.size() == 1 && parsed.parts[0].is_variable &&
           (parsed.parts[0].text == "serial_number" || parsed.parts[0].text == "udid");
}

}  // namespace

void check_step_ca(const PolicyDraft& draft, Report& report) {
    if (draft.policy.server_profile != ServerProfile::step_ca || !draft.has_payload) return;
    const AcmePayload& p = draft.policy.payload;
    if (draft.has_client_identifier && !is_attested_identifier(p.client_identifier))
        emit(report, Code::stepca_client_identifier, "/payload/ClientIdentifier",
             "With server_profile \"step-ca\", ClientIdentifier must be exactly \"{{serial_number}}\" or \"{{udid}}\": "
             "step-ca accepts the device-attest-01 challenge only when it equals an identifier in the device's "
             "attestation.");
    if (draft.has_hardware_bound && !p.hardware_bound)
        emit(report, Code::stepca_hardware_bound, "/payload/HardwareBound",
             "With server_profile \"step-ca\", HardwareBound must be true: device-attest-01 attests a Secure Enclave key "
             "(use ECSECPrimeRandom with KeySize 256 or 384).");
    if (!p.attest_enabled())
        emit(report, Code::stepca_attest, "/payload/Attest",
             "With server_profile \"step-ca\", Attest must be true: device-attest-01 needs the device's attestation.");
    bool ignored_o_ou = false;
    if (draft.has_subject) {
        for (std::size_t i = 0; i < p.subject.size(); ++i) {
            for (std::size_t j = 0; j < p.subject[i].size(); ++j) {
                const SubjectAttribute& attribute = p.subject[i][j];
                ignored_o_ou = ignored_o_ou || attribute.type == "O" || attribute.type == "OU";
                if (attribute.type == "CN" && draft.has_client_identifier &&
                    !same_template(attribute.value, p.client_identifier))
                    emit(report, Code::stepca_common_name,
                         "/payload/Subject/" + std::to_string(i) + "/" + std::to_string(j) + "/1",
                         "With server_profile \"step-ca\", a CN must equal ClientIdentifier (\"" + p.client_identifier +
                             "\"): step-ca refuses a CSR whose common name differs from the attested identifier. Set the "
                             "CN to the same value or remove it.");
            }
        }
    }
    std::string ignored;
    const auto add = [&](const char* what) { ignored += (ignored.empty() ? "" : ", ") + std::string(what); };
    if (ignored_o_ou) add("the O/OU attributes of Subject");
    if (p.subject_alt_name) add("SubjectAltName");
    if (p.usage_flags) add("UsageFlags");
    if (p.extended_key_usage) add("ExtendedKeyUsage");
    if (!ignored.empty())
        emit(report, Code::stepca_template_ignores, "/server_profile",
             "step-ca's default certificate template ignores " + ignored +
                 "; the issued certificate will not carry them unless you change the provisioner's template.");
}

}  // namespace acmepolicy::validation
