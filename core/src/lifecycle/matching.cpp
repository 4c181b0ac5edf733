// Matching a device's certificates to the policy that produced them (rules in lifecycle.hpp). The
// expected subject and subjectAltName values are the renderer's own, filled in for the device, so a
// certificate matches exactly when it carries what the device was told to ask for.
#include <algorithm>
#include <tuple>

#include "acmepolicy/lifecycle.hpp"
#include "render/prepared.hpp"

namespace acmepolicy {
namespace {

constexpr const char* kCommonNameOid = "2.5.4.3";

// The attribute types of Apple's Subject shortcuts; anything else in a valid policy is a dotted OID.
std::string oid_of(const std::string& type) {
    if (type == "CN") return kCommonNameOid;
    if (type == "C") return "2.5.4.6";
    if (type == "L") return "2.5.4.7";
    if (type == "ST") return "2.5.4.8";
    if (type == "O") return "2.5.4.10";
    if (type == "OU") return "2.5.4.11";
    return type;
}

bool attribute_less(const NameAttribute& a, const NameAttribute& b) {
    return std::tie(a.oid, a.value) < std::tie(b.oid, b.value);
}

bool ascii_iequal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool contains(const std::vector<std::string>& values, const std::string& wanted, bool ignore_case) {
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
        return ignore_case ? ascii_iequal(v, wanted) : v == wanted;
    });
}

// The expected identity of one device under the policy.
struct Expected {
    std::vector<NameAttribute> subject;  // sorted
    std::string common_name;             // step-ca: the rendered ClientIdentifier
    std::optional<std::string> rfc822_name, dns_name, uri, nt_principal_name;
};

// Newest first: latest not_before, then latest not_after, then the smallest fingerprint (deterministic).
bool newer(const DeviceCertificate& a, const DeviceCertificate& b) {
    if (a.info.not_before != b.info.not_before) return a.info.not_before > b.info.not_before;
    if (a.info.not_after != b.info.not_after) return a.info.not_after > b.info.not_after;
    return a.info.sha256_fingerprint < b.info.sha256_fingerprint;
}

}  // namespace

struct CertificateMatcher::Impl {
    render_detail::PreparedPolicy prepared;
    std::vector<std::string> issuer_names;  // subject Names (DER) of the accepted issuers
    bool step_ca = false;
    Report report;

    bool issued_by_known_ca(const DeviceCertificate& c) const {
        return std::find(issuer_names.begin(), issuer_names.end(), c.issuer_der) != issuer_names.end();
    }

    bool subject_matches(const DeviceCertificate& c, const Expected& e) const {
        if (step_ca) {
            std::size_t cns = 0;
            bool equal = false;
            for (const auto& a : c.subject_attributes) {
                if (a.oid != kCommonNameOid) continue;
                ++cns;
                equal = a.value == e.common_name;
            }
            return cns == 1 && equal;
        }
        if (c.subject_attributes.size() != e.subject.size()) return false;
        std::vector<NameAttribute> actual = c.subject_attributes;
        std::sort(actual.begin(), actual.end(), attribute_less);
        return actual == e.subject;
    }

    bool alt_names_match(const DeviceCertificate& c, const Expected& e) const {
        if (step_ca) return true;  // step-ca's default template writes its own subjectAltName
        if (e.rfc822_name && !contains(c.rfc822_names, *e.rfc822_name, false)) return false;
        if (e.dns_name && !contains(c.dns_names, *e.dns_name, true)) return false;
        if (e.uri && !contains(c.uris, *e.uri, false)) return false;
        if (e.nt_principal_name && !contains(c.nt_principal_names, *e.nt_principal_name, false)) return false;
        return true;
    }
};

CertificateMatcher::CertificateMatcher(const Policy& policy, const std::vector<CertificateInfo>& issuer_chain,
                                       std::optional<std::string> client_token_secret)
    : impl_(std::make_unique<Impl>()) {
    RenderOptions options;
    options.client_token_secret = std::move(client_token_secret);
    impl_->prepared = render_detail::prepare(policy, options);
    impl_->step_ca = policy.server_profile == ServerProfile::step_ca;
    auto add_issuer = [&](const std::string& der, const std::string& path, const std::string& what) {
        std::string error;
        if (auto c = read_device_certificate(der, error)) {
            impl_->issuer_names.push_back(std::move(c->subject_der));
        } else {
            impl_->report.error("lifecycle.issuer_invalid", path, what + " cannot be read: " + error + ".");
        }
    };
    for (std::size_t i = 0; i < policy.ca_certificates.size(); ++i) {
        const std::string path = json_pointer_append("/ca_certificates", i);
        CertificateRead read = read_pem_certificate(policy.ca_certificates[i]);
        if (!read.certificate) {
            impl_->report.error("lifecycle.issuer_invalid", path,
                                "This CA certificate cannot be read (" + read.error + "); validate the policy.");
            continue;
        }
        add_issuer(read.certificate->der, path, "This CA certificate");
    }
    for (std::size_t i = 0; i < issuer_chain.size(); ++i)
        add_issuer(issuer_chain[i].der, json_pointer_append("/options/issuer_chain_pem", i),
                   "Certificate " + std::to_string(i) + " of the issuer chain");
}

CertificateMatcher::~CertificateMatcher() = default;

const Report& CertificateMatcher::report() const noexcept { return impl_->report; }

CertificateMatcher::Match CertificateMatcher::match(const DeviceRecord& device,
                                                    const std::vector<DeviceCertificate>& certificates) const {
    Match out;
    out.foreign = certificates.size();
    std::optional<render_detail::ResolvedValues> values = render_detail::resolve(impl_->prepared, &device, out.report);
    if (!values || !out.report.valid()) return out;

    Expected expected;
    for (const auto& rdn : values->subject)
        for (const auto& [type, value] : rdn) expected.subject.push_back({oid_of(type), value});
    std::sort(expected.subject.begin(), expected.subject.end(), attribute_less);
    expected.common_name = values->client_identifier;
    expected.rfc822_name = values->rfc822_name;
    expected.dns_name = values->dns_name;
    expected.uri = values->uniform_resource_identifier;
    expected.nt_principal_name = values->nt_principal_name;

    for (std::size_t i = 0; i < certificates.size(); ++i) {
        const DeviceCertificate& c = certificates[i];
        if (!c.is_identity || !impl_->issued_by_known_ca(c) || !impl_->subject_matches(c, expected) ||
            !impl_->alt_names_match(c, expected))
            continue;
        ++out.matched;
        if (!out.index || newer(c, certificates[*out.index])) out.index = i;
    }
    out.foreign = certificates.size() - out.matched;
    return out;
}

}  // namespace acmepolicy
