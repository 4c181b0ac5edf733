// Builds the .mobileconfig plist: the ACME payload, one root payload per CA certificate, the top level.
#include "render/builders.hpp"
#include "render/canonical.hpp"

namespace acmepolicy::render_detail {
namespace {

// Sets the PayloadUUID member (already present, empty) of a payload dictionary from its canonical content.
std::string assign_uuid(plist::Dict& payload, const std::string& policy_id, const std::string& device_id,
                        const std::string& role, std::string& scratch) {
    scratch.clear();
    append_canonical(scratch, payload, "PayloadUUID");
    std::string uuid = payload_uuid(policy_id, device_id, role, scratch);
    for (auto& [key, value] : payload)
        if (key == "PayloadUUID") value = plist::Value(uuid);
    return uuid;
}

}  // namespace

plist::Dict acme_payload(const PreparedPolicy& prepared, const ResolvedValues& values) {
    const AcmePayload& acme = prepared.policy.payload;
    plist::Dict d;
    d.reserve(16);
    // Keys in alphabetical order, as Apple's tools write them. KeyIsExtractable and AllowAllAppsAccess
    // are macOS-only and never rendered for iOS/iPadOS.
    if (acme.attest) d.emplace_back("Attest", *acme.attest);
    d.emplace_back("ClientIdentifier", values.client_identifier);
    d.emplace_back("DirectoryURL", acme.directory_url);
    if (acme.extended_key_usage) {
        plist::Array ekus;
        ekus.reserve(acme.extended_key_usage->size());
        for (const auto& oid : *acme.extended_key_usage) ekus.emplace_back(oid);
        d.emplace_back("ExtendedKeyUsage", std::move(ekus));
    }
    d.emplace_back("HardwareBound", acme.hardware_bound);
    d.emplace_back("KeySize", acme.key_size);
    d.emplace_back("KeyType", acme.key_type);
    d.emplace_back("PayloadDisplayName", "ACME Certificate");
    d.emplace_back("PayloadIdentifier", prepared.top_identifier + ".acme");
    d.emplace_back("PayloadType", "com.apple.security.acme");
    d.emplace_back("PayloadUUID", std::string());
    d.emplace_back("PayloadVersion", std::int64_t{1});
    plist::Array subject;
    subject.reserve(values.subject.size());
    for (const auto& rdn : values.subject) {
        plist::Array attributes;
        attributes.reserve(rdn.size());
        for (const auto& [type, value] : rdn) attributes.emplace_back(plist::Array{plist::Value(type), plist::Value(value)});
        subject.emplace_back(std::move(attributes));
    }
    d.emplace_back("Subject", std::move(subject));
    if (acme.subject_alt_name) {
        plist::Dict san;
        // Apple's key spellings, alphabetical.
        if (values.dns_name) san.emplace_back("dNSName", *values.dns_name);
        if (values.nt_principal_name) san.emplace_back("ntPrincipalName", *values.nt_principal_name);
        if (values.rfc822_name) san.emplace_back("rfc822Name", *values.rfc822_name);
        if (values.uniform_resource_identifier)
            san.emplace_back("uniformResourceIdentifier", *values.uniform_resource_identifier);
        d.emplace_back("SubjectAltName", std::move(san));
    }
    if (acme.usage_flags) d.emplace_back("UsageFlags", *acme.usage_flags);
    return d;
}

plist::Dict root_payload(const PreparedPolicy& prepared, const PreparedCa& ca, std::size_t index) {
    plist::Dict d;
    d.reserve(7);
    d.emplace_back("PayloadCertificateFileName", ca.file_name);
    d.emplace_back("PayloadContent", plist::Data{ca.der});
    d.emplace_back("PayloadDisplayName", ca.display_name);
    d.emplace_back("PayloadIdentifier", prepared.top_identifier + ".root." + std::to_string(index + 1));
    d.emplace_back("PayloadType", "com.apple.security.root");
    d.emplace_back("PayloadUUID", std::string());
    d.emplace_back("PayloadVersion", std::int64_t{1});
    return d;
}

plist::Dict top_payload(const PreparedPolicy& prepared, plist::Array content) {
    const RenderOptions& options = prepared.options;
    plist::Dict top;
    top.reserve(8);
    top.emplace_back("PayloadContent", std::move(content));
    if (options.description) top.emplace_back("PayloadDescription", *options.description);
    top.emplace_back("PayloadDisplayName", prepared.policy.name);
    top.emplace_back("PayloadIdentifier", prepared.top_identifier);
    if (options.organization) top.emplace_back("PayloadOrganization", *options.organization);
    top.emplace_back("PayloadType", "Configuration");
    top.emplace_back("PayloadUUID", std::string());
    top.emplace_back("PayloadVersion", std::int64_t{1});
    return top;
}

BuiltProfile build_profile(const PreparedPolicy& prepared, const ResolvedValues& values) {
    const std::string& policy_id = prepared.uuid_policy_name;  // the policy id, with the renewal generation
    std::string scratch;
    scratch.reserve(2048);

    plist::Array content;
    content.reserve(1 + prepared.ca_certificates.size());
    plist::Array inner_uuids;
    inner_uuids.reserve(1 + prepared.ca_certificates.size());

    plist::Dict acme = acme_payload(prepared, values);
    inner_uuids.emplace_back(assign_uuid(acme, policy_id, values.device_id, "acme", scratch));
    content.emplace_back(std::move(acme));
    for (std::size_t i = 0; i < prepared.ca_certificates.size(); ++i) {
        // The root payload's content does not depend on the device: its canonical bytes were made once.
        const PreparedCa& ca = prepared.ca_certificates[i];
        plist::Dict root = root_payload(prepared, ca, i);
        std::string uuid = payload_uuid(policy_id, values.device_id, "root." + std::to_string(i + 1), ca.canonical);
        for (auto& [key, value] : root)
            if (key == "PayloadUUID") value = plist::Value(uuid);
        inner_uuids.emplace_back(std::move(uuid));
        content.emplace_back(std::move(root));
    }

    // While the UUID is derived, PayloadContent holds the inner payloads' UUIDs: they already commit to
    // the payloads' content, so hashing them is enough and keeps large certificates from being hashed twice.
    plist::Dict top = top_payload(prepared, std::move(inner_uuids));

    BuiltProfile built;
    built.identity.payload_identifier = prepared.top_identifier;
    built.identity.payload_uuid = assign_uuid(top, policy_id, values.device_id, "profile", scratch);
    top.front().second = plist::Value(std::move(content));
    built.root = plist::Value(std::move(top));
    return built;
}

}  // namespace acmepolicy::render_detail
