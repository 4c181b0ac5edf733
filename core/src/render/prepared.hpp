// Per-policy work done once (templates parsed, options checked, CA certificates decoded) and the per-device
// step that fills in the variables.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/policy.hpp"
#include "acmepolicy/render.hpp"
#include "acmepolicy/variables.hpp"

namespace acmepolicy::render_detail {

/// One policy string that may hold {{variables}}, with the JSON pointer it came from.
struct TemplateField {
    std::string path;
    std::string text;                 // as written in the policy
    std::vector<TemplatePart> parts;  // its parse
    bool has_variables = false;
};

/// One CA certificate ready to become a com.apple.security.root payload.
struct PreparedCa {
    std::string der;
    std::string display_name;  // the certificate's subject
    std::string file_name;     // PayloadCertificateFileName
    std::string canonical;     // canonical bytes of its root payload (device-independent), for its UUID
};

/// Everything about a policy and the options that does not depend on the device.
struct PreparedPolicy {
    Policy policy;
    RenderOptions options;
    std::string top_identifier;  // <prefix>.<policy id>
    /// The policy part of every PayloadUUID's name: the policy id, followed by "\0renewal:N" from
    /// generation 1 on (RenderOptions::renewal), so a renewed profile gets new UUIDs.
    std::string uuid_policy_name;

    TemplateField client_identifier;
    std::vector<std::vector<std::pair<std::string, TemplateField>>> subject;  // RDNs of (type, value)
    std::optional<TemplateField> rfc822_name, dns_name, uniform_resource_identifier, nt_principal_name;
    bool uses_client_token = false;

    std::vector<PreparedCa> ca_certificates;

    /// Problems with the policy or the options that stop every render (render.* errors).
    Report report;
};

/// The ACME payload strings with the variables of one device filled in (or kept, in preview mode).
struct ResolvedValues {
    std::string device_id;  // "" in preview mode without a device
    std::string client_identifier;
    std::vector<std::vector<std::pair<std::string, std::string>>> subject;
    std::optional<std::string> rfc822_name, dns_name, uniform_resource_identifier, nt_principal_name;
};

/// Parses the policy's templates, checks the options and decodes the CA certificates. Never throws for
/// bad input: problems land in the returned report.
PreparedPolicy prepare(const Policy& policy, const RenderOptions& options);

/// Calls f(const TemplateField&) for every ACME payload field that may hold variables, in one fixed order
/// (ClientIdentifier, the Subject values row by row, then rfc822Name, dNSName, uniformResourceIdentifier,
/// ntPrincipalName when present): the order of fill_fields and of resolve's diagnostics.
template <class F>
void for_each_field(const PreparedPolicy& prepared, F&& f) {
    f(prepared.client_identifier);
    for (const auto& rdn : prepared.subject)
        for (const auto& attribute : rdn) f(attribute.second);
    for (const auto* field : {&prepared.rfc822_name, &prepared.dns_name, &prepared.uniform_resource_identifier,
                              &prepared.nt_principal_name})
        if (*field) f(**field);
}

/// Fills in the variables for `device` (null = preview). Missing variables, a missing client-token
/// secret, or values XML cannot carry → errors in `report` and nullopt.
std::optional<ResolvedValues> resolve(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report);

/// What resolve does, with the values in for_each_field order in `values` (grown as needed, its strings'
/// storage reused across calls), and the same diagnostics. False when an error was reported.
bool fill_fields(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report,
                 std::vector<std::string>& values);

}  // namespace acmepolicy::render_detail
