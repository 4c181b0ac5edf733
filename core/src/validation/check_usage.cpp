// Rules 10-12: UsageFlags bits, ExtendedKeyUsage OIDs, and the macOS-only keys of an iOS policy.
#include <set>
#include <string>

#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/syntax.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::int64_t kDigitalSignature = 0x01;
constexpr std::int64_t kKeyEncipherment = 0x04;

// Extended key usage names as OpenSSL and RFC 5280 spell them, with their OIDs.
struct NamedOid {
    std::string_view name;
    std::string_view oid;
};
constexpr NamedOid kEkuNames[] = {
    {"serverAuth", "1.3.6.1.5.5.7.3.1"},      {"clientAuth", "1.3.6.1.5.5.7.3.2"},
    {"codeSigning", "1.3.6.1.5.5.7.3.3"},     {"emailProtection", "1.3.6.1.5.5.7.3.4"},
    {"ipsecEndSystem", "1.3.6.1.5.5.7.3.5"},  {"ipsecTunnel", "1.3.6.1.5.5.7.3.6"},
    {"ipsecUser", "1.3.6.1.5.5.7.3.7"},       {"timeStamping", "1.3.6.1.5.5.7.3.8"},
    {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},     {"ipsecIKE", "1.3.6.1.5.5.7.3.17"},
    {"anyExtendedKeyUsage", "2.5.29.37.0"},   {"smartcardLogon", "1.3.6.1.4.1.311.20.2.2"},
    {"msSmartcardLogin", "1.3.6.1.4.1.311.20.2.2"}, {"client authentication", "1.3.6.1.5.5.7.3.2"},
    {"server authentication", "1.3.6.1.5.5.7.3.1"}, {"email protection", "1.3.6.1.5.5.7.3.4"},
    {"TLS Web Client Authentication", "1.3.6.1.5.5.7.3.2"}, {"TLS Web Server Authentication", "1.3.6.1.5.5.7.3.1"},
};

void check_usage_flags(const AcmePayload& p, Report& report) {
    if (!p.usage_flags) return;
    const std::int64_t flags = *p.usage_flags;
    const std::int64_t undefined = flags & ~(kDigitalSignature | kKeyEncipherment);
    if (flags < 0 || undefined != 0) {
        emit(report, Code::usageflags_undefined_bits, "/payload/UsageFlags",
             "UsageFlags " + std::to_string(flags) +
                 " sets bits Apple does not define; only 1 (digital signature) and 4 (key encipherment) exist, so "
                 "use 1, 4 or 5.");
    } else if (flags == 0) {
        emit(report, Code::usageflags_zero, "/payload/UsageFlags",
             "UsageFlags 0 requests no key usage, so the certificate may be useless for TLS client authentication; "
             "use 1 (digital signature), 4 (key encipherment) or 5 (both), or leave it out.");
    }
}

void check_extended_key_usage(const AcmePayload& p, Report& report) {
    if (!p.extended_key_usage) return;
    // Repeats: a scan of the earlier entries for the few a policy has, a set beyond that.
    const std::vector<std::string>& entries = *p.extended_key_usage;
    std::set<std::string> seen;
    const bool few = entries.size() <= 16;
    for (std::size_t i = 0; i < p.extended_key_usage->size(); ++i) {
        const std::string& entry = (*p.extended_key_usage)[i];
        const auto path = [i] { return json_pointer_append("/payload/ExtendedKeyUsage", i); };
        std::string why;
        if (!is_dotted_oid(entry, &why)) {
            const std::string_view* oid = nullptr;
            for (const NamedOid& named : kEkuNames)
                if (iequals(named.name, trim(entry))) oid = &named.oid;
            if (oid)
                emit(report, Code::extendedkeyusage_name, path(),
                     "ExtendedKeyUsage entries are dotted OIDs, not names: write \"" + std::string(*oid) + "\" for " + quote_text(entry) +
                         ".");
            else
                emit(report, Code::extendedkeyusage_invalid_oid, path(),
                     "ExtendedKeyUsage entry " + quote_text(entry) + " is not a dotted OID (" + why +
                         "); write it like \"1.3.6.1.5.5.7.3.2\" (client authentication).");
            continue;
        }
        bool repeated = false;
        if (few) {
            // An earlier equal entry passed is_dotted_oid too, so it is what the set would have held.
            for (std::size_t k = 0; k < i && !repeated; ++k) repeated = entries[k] == entry;
        } else {
            repeated = !seen.insert(entry).second;
        }
        if (repeated)
            emit(report, Code::extendedkeyusage_duplicate, path(),
                 "ExtendedKeyUsage lists " + entry + " more than once; remove the repeat.");
    }
}

void check_macos_only(const AcmePayload& p, Report& report) {
    if (p.key_is_extractable)
        emit(report, Code::payload_macos_only, "/payload/KeyIsExtractable",
             "KeyIsExtractable is a macOS-only key: it is ignored by iOS/iPadOS; it will be left out of the profile.");
    if (p.allow_all_apps_access)
        emit(report, Code::payload_macos_only, "/payload/AllowAllAppsAccess",
             "AllowAllAppsAccess is a macOS-only key: it is ignored by iOS/iPadOS; it will be left out of the profile.");
}

}  // namespace

void check_usage(const PolicyDraft& draft, Report& report) {
    check_usage_flags(draft.policy.payload, report);
    check_extended_key_usage(draft.policy.payload, report);
    check_macos_only(draft.policy.payload, report);
}

}  // namespace acmepolicy::validation
