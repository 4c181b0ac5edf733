// Rendering: turns a validated Policy (and one device record) into what a device installs: the
// .mobileconfig profile, its CMS-signed form, the declarative (DDM) ACME credential, and the MDM commands.
//
// Every function here is pure: the device record, the options, the signing time, the server secret and the
// random bytes are inputs. The same inputs give byte-identical output. The identity scheme (PayloadIdentifier
// and PayloadUUID) is documented in docs/rendering.md and is a public contract.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/policy.hpp"

namespace acmepolicy {

/// The identity that signs a profile: PEM texts (certificate, private key in PKCS#1, SEC1 or PKCS#8, and
/// optional intermediate certificates to include in the signature).
struct SigningMaterial {
    std::string certificate_pem;
    std::string key_pem;
    std::string chain_pem;
};

/// Everything a render needs besides the policy and the device. Nothing here is read from the
/// environment by the core: hosts fill in the time and the random bytes.
struct RenderOptions {
    /// The organisation's reverse-DNS name. The profile's PayloadIdentifier is `<prefix>.<policy id>`.
    std::string identifier_prefix = "com.example.acmepolicy";
    std::optional<std::string> organization;  // PayloadOrganization, when given
    std::optional<std::string> description;   // PayloadDescription, when given
    /// The server secret from which {{client_token}} is derived (see client_token()). Required only when
    /// the policy uses {{client_token}} and the render is not a preview.
    std::optional<std::string> client_token_secret;
    /// Preview mode: every {{variable}} stays visible as written; no device is needed.
    bool preview = false;
    /// Base URL (https://...) under which the host serves DDM credential documents; required for DDM.
    std::optional<std::string> ddm_base_url;
    /// The asset's Authentication Type: "MDM" (the default) or "None".
    std::string ddm_authentication = "MDM";
    /// A query string (without "?") appended to the asset's DataURL, e.g. a host's signed, expiring link
    /// for ddm_authentication "None". Characters outside [A-Za-z0-9._~=&%-] are refused (render.ddm_query_invalid).
    std::optional<std::string> ddm_data_url_query;
    /// The asset's Accessible value: "Default" or "AfterFirstUnlock".
    std::string ddm_accessible = "Default";
    /// When present, profiles are signed (CMS SignedData, DER) with this identity.
    std::optional<SigningMaterial> signing;
    /// The CMS signing time, seconds since the Unix epoch (UTC). Required for signing.
    std::optional<std::int64_t> signing_time;
    /// The CommandUUID of an MDM command, as given. When absent, a version-4 UUID is made from the first
    /// 16 bytes of `random_bytes`.
    std::optional<std::string> command_uuid;
    /// Random bytes supplied by the host: 16 for a CommandUUID, the rest (if any) seed ECDSA signing.
    std::string random_bytes;
    /// The renewal generation of this device's profile (0: never renewed). A host renewing a certificate
    /// sends the profile again with the next generation: every PayloadUUID changes (the PayloadIdentifier
    /// stays), so the device replaces the profile and runs a fresh ACME order. Generation 0 gives exactly
    /// the UUIDs of a render without it.
    std::int64_t renewal = 0;
};

/// What identifies the installed profile: its top-level PayloadIdentifier (stable per policy) and its
/// PayloadUUID (changes whenever the rendered content changes).
struct ProfileIdentity {
    std::string payload_identifier;
    std::string payload_uuid;  // empty when the profile could not be rendered
};

/// The output formats of render().
enum class RenderFormat { mobileconfig, ddm, install_command, remove_command };
/// "mobileconfig", "ddm", "install-command", "remove-command".
const char* to_string(RenderFormat format) noexcept;
/// The inverse of to_string; nullopt for anything else.
std::optional<RenderFormat> parse_render_format(std::string_view text) noexcept;

/// The result of one render. `bytes` is empty whenever `report` has an error: nothing partial is ever
/// returned. `report` may carry warnings and infos next to a successful render.
struct RenderResult {
    std::string bytes;          // XML plist, CMS DER, or the DDM JSON document
    std::string content_type;   // e.g. "application/x-apple-aspen-config"
    bool signed_profile = false;
    ProfileIdentity identity;   // of the profile (for remove-command: the identifier only)
    Report report;

    // DDM only: the credential document exactly as its Hash-SHA-256 and Size describe it (compact JSON,
    // keys sorted), and the URL at which the host must serve it.
    std::string credential_json;
    std::string credential_url;

    bool ok() const noexcept { return report.valid() && !bytes.empty(); }
};

/// Renders `policy` for `device` into `format`. `device` may be null only in preview mode (or for
/// remove-command, which does not depend on the device). The policy must be valid (check_policy); a
/// missing variable, a missing secret, or bad options give `render.*` errors and empty bytes.
/// Signs the profile (mobileconfig, install-command) when options.signing is present.
RenderResult render(const Policy& policy, const DeviceRecord* device, RenderFormat format,
                    const RenderOptions& options);

/// The unsigned .mobileconfig XML (UTF-8 XML plist with Apple's DOCTYPE).
RenderResult render_profile(const Policy& policy, const DeviceRecord* device, const RenderOptions& options);

/// The profile as CMS SignedData (DER) over the exact XML bytes render_profile gives; needs
/// options.signing and options.signing_time.
RenderResult render_signed_profile(const Policy& policy, const DeviceRecord* device,
                                   const RenderOptions& options);

/// The declarative form: JSON {"declarations": [asset, configuration], "credential": {...},
/// "credential_url": "..."}. Needs options.ddm_base_url. Applies the DDM form's own rules (iOS 17+, no
/// EC 192, macOS-only keys left out).
RenderResult render_ddm(const Policy& policy, const DeviceRecord* device, const RenderOptions& options);

/// The InstallProfile MDM command (XML plist); Payload = the profile bytes (signed when options.signing).
RenderResult render_install_command(const Policy& policy, const DeviceRecord* device,
                                    const RenderOptions& options);

/// The RemoveProfile MDM command (XML plist); Identifier = the top-level PayloadIdentifier.
RenderResult render_remove_command(const Policy& policy, const RenderOptions& options);

/// The RemoveProfile MDM command for the profile a device has installed, named by its top-level
/// PayloadIdentifier as the host recorded it (the plan's and the state's payload_identifier): hosts never
/// rebuild an identifier. Only options.command_uuid and options.random_bytes are read. The identifier must
/// be 1-512 printable ASCII characters without spaces (else render.identifier_invalid); identity carries it.
RenderResult render_remove_command(std::string_view payload_identifier, const RenderOptions& options);

/// The top-level PayloadIdentifier and PayloadUUID of the profile render_profile would give this device
/// (the reconciliation plan compares them with what the device has installed). When the profile cannot
/// be rendered for this device (a variable missing, ...), payload_uuid is empty and `report` (if given)
/// says why. payload_identifier is always set.
ProfileIdentity profile_identity(const Policy& policy, const DeviceRecord& device, const RenderOptions& options,
                                 Report* report = nullptr);

/// `<prefix>.<policy id>`: the top-level PayloadIdentifier; depends on nothing else.
std::string profile_payload_identifier(const Policy& policy, const RenderOptions& options);

/// The {{client_token}} of a device for a policy:
/// base64url-without-padding( HMAC-SHA-256(key = secret, message = policy_id + "\0" + device_id) ).
std::string client_token(std::string_view secret, std::string_view policy_id, std::string_view device_id);

/// True iff `token` is client_token(secret, policy_id, device_id); the comparison runs in constant time.
/// An empty secret never verifies.
bool verify_client_token(std::string_view secret, std::string_view policy_id, std::string_view device_id,
                         std::string_view token);

/// What changes from one MDM command to the next while the policy and the signing identity stay: the
/// RenderOptions fields of the same names, given per call.
struct CommandInputs {
    std::optional<std::string> command_uuid;
    std::string random_bytes;
    std::optional<std::int64_t> signing_time;
};

/// Renders many devices of one policy without repeating per-policy work (template parsing, CA
/// certificate decoding, loading the signing key). Not thread-safe; make one per thread. Each call gives
/// exactly what the matching free function gives.
class PolicyRenderer {
public:
    PolicyRenderer(const Policy& policy, const RenderOptions& options);
    ~PolicyRenderer();
    PolicyRenderer(const PolicyRenderer&) = delete;
    PolicyRenderer& operator=(const PolicyRenderer&) = delete;

    RenderResult render(const DeviceRecord* device, RenderFormat format) const;
    /// render() with the command's own CommandUUID, random bytes and signing time in place of those the
    /// renderer was made with: one renderer (one key load) serves every command of a policy.
    RenderResult render(const DeviceRecord* device, RenderFormat format, const CommandInputs& command);
    ProfileIdentity identity(const DeviceRecord& device, Report* report = nullptr) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace acmepolicy
