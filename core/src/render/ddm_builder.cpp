// Builds the declarative (DDM) form: the ACME credential document, its asset declaration, the
// security.identity configuration that references the asset and the activation that applies it; and checks
// the DDM form's own rules.
#include <cctype>
#include <cstdio>
#include <string_view>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/delivery.hpp"
#include "render/builders.hpp"

namespace acmepolicy::render_detail {
namespace {

// Declaration identifiers "should not exceed 64 octets" (Apple's DeclarationBase).
constexpr std::size_t kMaxDeclarationIdentifier = 64;

// Percent-encodes everything outside RFC 3986's unreserved set, so any device id is one path segment.
std::string path_segment(std::string_view text) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0x0F]);
        }
    }
    return out;
}

std::string base_url(const PreparedPolicy& prepared) {
    std::string base = prepared.options.ddm_base_url.value_or("");
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

// ServerToken: the SHA-256 (hex, 64 characters) of the declaration's compact JSON without its ServerToken,
// followed by "\0renewal:N" from renewal generation 1 on (RenderOptions::renewal): a renewed credential is
// a changed declaration, which the device applies again (a fresh ACME order).
void set_server_token(nlohmann::json& declaration, std::int64_t renewal = 0) {
    declaration.erase("ServerToken");
    std::string material = declaration.dump();
    if (renewal > 0) material += std::string("\0renewal:", 9) + std::to_string(renewal);
    declaration["ServerToken"] = crypto::to_hex(crypto::sha256(material));
}

}  // namespace

void check_ddm_rules(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report) {
    const AcmePayload& acme = prepared.policy.payload;
    if (acme.key_type == "ECSECPrimeRandom" && acme.key_size == 192)
        report.error("render.ddm_ec192", "/payload/KeySize",
                     "The declarative ACME credential does not accept P-192 keys; use KeySize 256 or 384, or "
                     "render a .mobileconfig instead.");
    if (acme.key_is_extractable)
        report.warning("render.ddm_macos_only_key", "/payload/KeyIsExtractable",
                       "KeyIsExtractable is macOS-only; the declarative form for iOS/iPadOS leaves it out. Remove it "
                       "from the policy to silence this warning.");
    if (acme.allow_all_apps_access)
        report.warning("render.ddm_macos_only_key", "/payload/AllowAllAppsAccess",
                       "AllowAllAppsAccess is macOS-only; the declarative form for iOS/iPadOS leaves it out. Remove "
                       "it from the policy to silence this warning.");
    if (!prepared.ca_certificates.empty())
        report.info("render.ddm_ca_not_included", "/ca_certificates",
                    "The declarative form carries only the ACME credential; install the CA certificates with a "
                    "profile (format mobileconfig) or a certificate asset so the device trusts the ACME server.");
    if (!prepared.options.ddm_base_url || prepared.options.ddm_base_url->empty()) {
        report.error("render.ddm_base_url_missing", "/options/ddm_base_url",
                     "The declarative form needs the https:// base URL under which the server serves credential "
                     "documents; give the ddm_base_url option.");
    } else {
        const std::string& url = *prepared.options.ddm_base_url;
        const bool https = url.rfind("https://", 0) == 0 && url.size() > 8 && url[8] != '/';
        bool clean = url.find_first_of("?#\"<>\\") == std::string::npos;
        for (unsigned char c : url) clean = clean && c > 0x20 && c < 0x7F;  // printable ASCII (IRIs: encode first)
        if (!https || !clean)
            report.error("render.ddm_base_url_invalid", "/options/ddm_base_url",
                         "ddm_base_url \"" + url +
                             "\" must be an https:// URL with a host and no query or fragment (Apple requires "
                             "DataURL to start with https://).");
    }
    if (const auto& query = prepared.options.ddm_data_url_query) {
        bool clean = true;
        for (unsigned char c : *query)
            clean = clean && (std::isalnum(c) || std::string_view("._~=&%-").find(static_cast<char>(c)) !=
                                                     std::string_view::npos);
        if (!clean)
            report.error("render.ddm_query_invalid", "/options/ddm_data_url_query",
                         "The DataURL query may hold only letters, digits and ._~=&%- (percent-encode the rest).");
    }
    const std::string top = prepared.top_identifier + ".credential";
    if (top.size() > kMaxDeclarationIdentifier)
        report.warning("render.ddm_identifier_long", "/options/identifier_prefix",
                       "The declaration identifier \"" + top + "\" is longer than the 64 octets Apple recommends; "
                       "use a shorter identifier prefix or policy id.");
    if (device && below_declarative_minimum(*device))
        report.error("render.ddm_os_unsupported", "/options/device/os_version",
                     "Device \"" + device->id + "\" runs " + to_string(device->platform.value_or(Platform::iOS)) + " " +
                         *device->os_version + "; the declarative ACME credential needs " +
                         declarative_minimum(*device) +
                         " or later. Render a .mobileconfig (format mobileconfig) for this device instead.");
}

nlohmann::json build_credential(const PreparedPolicy& prepared, const ResolvedValues& values) {
    const AcmePayload& acme = prepared.policy.payload;
    nlohmann::json c = nlohmann::json::object();
    c["DirectoryURL"] = acme.directory_url;
    c["ClientIdentifier"] = values.client_identifier;
    c["KeyType"] = acme.key_type;
    c["KeySize"] = acme.key_size;
    c["HardwareBound"] = acme.hardware_bound;
    if (acme.attest) c["Attest"] = *acme.attest;
    nlohmann::json subject = nlohmann::json::array();
    for (const auto& rdn : values.subject) {
        nlohmann::json attributes = nlohmann::json::array();
        for (const auto& [type, value] : rdn) attributes.push_back(nlohmann::json::array({type, value}));
        subject.push_back(std::move(attributes));
    }
    c["Subject"] = std::move(subject);
    if (acme.subject_alt_name) {
        nlohmann::json san = nlohmann::json::object();
        if (values.rfc822_name) san["rfc822Name"] = *values.rfc822_name;
        if (values.dns_name) san["dNSName"] = *values.dns_name;
        if (values.uniform_resource_identifier) san["uniformResourceIdentifier"] = *values.uniform_resource_identifier;
        if (values.nt_principal_name) san["ntPrincipalName"] = *values.nt_principal_name;
        c["SubjectAltName"] = std::move(san);
    }
    if (acme.usage_flags) c["UsageFlags"] = *acme.usage_flags;
    if (acme.extended_key_usage) c["ExtendedKeyUsage"] = *acme.extended_key_usage;
    return c;
}

BuiltDdm build_ddm(const PreparedPolicy& prepared, const ResolvedValues& values) {
    BuiltDdm out;
    nlohmann::json credential = build_credential(prepared, values);
    // Compact, keys sorted (nlohmann's object is ordered by key): the exact bytes the host serves.
    out.credential_json = credential.dump();
    const std::string device_segment = values.device_id.empty() ? "preview" : path_segment(values.device_id);
    out.credential_url = base_url(prepared) + "/" + path_segment(prepared.policy.id) + "/" + device_segment + ".json";
    if (prepared.options.ddm_data_url_query && !prepared.options.ddm_data_url_query->empty())
        out.credential_url += "?" + *prepared.options.ddm_data_url_query;

    const std::string asset_id = prepared.top_identifier + ".credential";
    nlohmann::json asset = {
        {"Type", "com.apple.asset.credential.acme"},
        {"Identifier", asset_id},
        {"Payload",
         {{"Reference",
           {{"DataURL", out.credential_url},
            {"ContentType", "application/json"},
            {"Size", out.credential_json.size()},
            {"Hash-SHA-256", crypto::to_hex(crypto::sha256(out.credential_json))}}},
          {"Authentication", {{"Type", prepared.options.ddm_authentication}}},
          {"Accessible", prepared.options.ddm_accessible}}},
    };
    set_server_token(asset, prepared.options.renewal);
    nlohmann::json identity = {
        {"Type", "com.apple.configuration.security.identity"},
        {"Identifier", prepared.top_identifier + ".identity"},
        {"Payload", {{"CredentialAssetReference", asset_id}}},
    };
    set_server_token(identity, prepared.options.renewal);
    // A configuration applies only once an activation names it (Apple: declarationbase, activations).
    nlohmann::json activation = {
        {"Type", "com.apple.activation.simple"},
        {"Identifier", prepared.top_identifier + ".activation"},
        {"Payload", {{"StandardConfigurations", nlohmann::json::array({prepared.top_identifier + ".identity"})}}},
    };
    set_server_token(activation);

    out.document = nlohmann::json::object();
    out.document["declarations"] =
        nlohmann::json::array({std::move(asset), std::move(identity), std::move(activation)});
    out.document["credential"] = std::move(credential);
    out.document["credential_url"] = out.credential_url;
    return out;
}

}  // namespace acmepolicy::render_detail
