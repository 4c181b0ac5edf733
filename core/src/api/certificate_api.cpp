// api_inspect_certificate: one PEM certificate in, a description (or diagnostics) out.
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {

ApiResult api_inspect_certificate(std::string_view pem, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        if (!detail::read_options(options_json, error)) return error;  // no options yet; {} or ""
        const CertificateRead read = read_pem_certificate(pem);
        if (!read.certificate) {
            Report report;
            report.error(read.error_code, "", read.error);
            nlohmann::json diagnostics = nlohmann::json::array();
            for (const Diagnostic& d : report.diagnostics()) diagnostics.push_back(to_json(d));
            return detail::api_json(ApiStatus::invalid_input, nlohmann::json{{"diagnostics", diagnostics}});
        }
        const CertificateInfo& c = *read.certificate;
        return detail::api_json(ApiStatus::ok, nlohmann::json{{"subject", c.subject},
                                                              {"issuer", c.issuer},
                                                              {"not_before", format_rfc3339(c.not_before)},
                                                              {"not_after", format_rfc3339(c.not_after)},
                                                              {"is_ca", c.is_ca},
                                                              {"key_type", c.key_type},
                                                              {"key_bits", c.key_bits},
                                                              {"serial", c.serial_hex},
                                                              {"sha256_fingerprint", c.sha256_fingerprint}});
    });
}

}  // namespace acmepolicy
