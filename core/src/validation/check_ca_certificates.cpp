// Rule 15: each ca_certificates entry is one PEM CA certificate, valid at the validation time.
#include <string>

#include "acmepolicy/certificate.hpp"
#include "validation/codes.hpp"
#include "validation/rules.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::int64_t kExpiryWarningSeconds = 30 * 24 * 3600;

}  // namespace

void check_ca_certificates(const PolicyDraft& draft, const ValidationOptions& options, Report& report) {
    const auto& pems = draft.policy.ca_certificates;
    for (std::size_t i = 0; i < pems.size(); ++i) {
        const std::string path = json_pointer_append("/ca_certificates", i);
        const CertificateRead read = read_pem_certificate(pems[i]);
        if (!read.certificate) {
            emit(report, Code::cacertificates_invalid, path,
                 "This entry is not one PEM certificate: " + read.error +
                     " Paste exactly one \"-----BEGIN CERTIFICATE-----\" block per entry.");
            continue;
        }
        const CertificateInfo& certificate = *read.certificate;
        if (!certificate.is_ca)
            emit(report, Code::cacertificates_not_ca, path,
                 "Certificate \"" + certificate.subject +
                     "\" is not a CA certificate (its basicConstraints does not say cA); bundle the ACME server's "
                     "root or intermediate CA, not a leaf certificate.");
        if (!options.now) continue;
        const std::int64_t now = *options.now;
        if (now > certificate.not_after)
            emit(report, Code::cacertificates_expired, path,
                 "Certificate \"" + certificate.subject + "\" expired on " + format_rfc3339(certificate.not_after) +
                     "; replace it with the CA's current certificate.");
        else if (now < certificate.not_before)
            emit(report, Code::cacertificates_not_yet_valid, path,
                 "Certificate \"" + certificate.subject + "\" is not valid before " +
                     format_rfc3339(certificate.not_before) + "; check the CA's clock or use its current certificate.");
        else if (certificate.not_after - now <= kExpiryWarningSeconds)
            emit(report, Code::cacertificates_expiring, path,
                 "Certificate \"" + certificate.subject + "\" expires on " + format_rfc3339(certificate.not_after) +
                     ", within 30 days; plan its replacement.");
    }
}

}  // namespace acmepolicy::validation
