// The document builders: typed, resolved values in; plist values or JSON documents out.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "acmepolicy/plist.hpp"
#include "acmepolicy/render.hpp"
#include "render/prepared.hpp"

namespace acmepolicy::render_detail {

/// A configuration profile as a plist value, with its top-level identity.
struct BuiltProfile {
    plist::Value root;
    ProfileIdentity identity;
};

/// The .mobileconfig: top-level Configuration dictionary holding the com.apple.security.acme payload and
/// one com.apple.security.root payload per CA certificate; every PayloadUUID derived as documented.
BuiltProfile build_profile(const PreparedPolicy& prepared, const ResolvedValues& values);

/// The com.apple.security.acme payload with `values` filled in, its PayloadUUID still empty.
plist::Dict acme_payload(const PreparedPolicy& prepared, const ResolvedValues& values);

/// The top-level Configuration dictionary around `content` (PayloadContent), its PayloadUUID still empty.
plist::Dict top_payload(const PreparedPolicy& prepared, plist::Array content);

/// The com.apple.security.root payload of the `index`-th CA certificate, its PayloadUUID still empty.
plist::Dict root_payload(const PreparedPolicy& prepared, const PreparedCa& ca, std::size_t index);

/// The com.apple.credential.acme credential document (the DDM asset's data).
nlohmann::json build_credential(const PreparedPolicy& prepared, const ResolvedValues& values);

/// The DDM rules that the policy or the device break (iOS 17+, no EC 192, macOS-only keys left out).
void check_ddm_rules(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report);

/// The two declarations (asset, configuration) and the credential URL for one device.
struct BuiltDdm {
    nlohmann::json document;  // {"declarations": [...], "credential": {...}, "credential_url": "..."}
    std::string credential_json;
    std::string credential_url;
};
BuiltDdm build_ddm(const PreparedPolicy& prepared, const ResolvedValues& values);

/// An MDM command plist: {"Command": {<request>...}, "CommandUUID": uuid}.
plist::Value build_command(plist::Dict request, const std::string& command_uuid);

}  // namespace acmepolicy::render_detail
