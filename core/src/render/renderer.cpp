// The rendering entry points: PolicyRenderer and the free functions of render.hpp, one per format.
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "acmepolicy/render.hpp"
#include "render/builders.hpp"
#include "render/prepared.hpp"
#include "render/profile_template.hpp"
#include "render/signing.hpp"

namespace acmepolicy {

namespace {

constexpr const char* kProfileContentType = "application/x-apple-aspen-config";
constexpr const char* kCommandContentType = "application/xml";
constexpr const char* kDdmContentType = "application/json";
constexpr std::size_t kMaxCommandUuid = 128;
constexpr std::size_t kMaxPayloadIdentifier = 512;

bool is_printable_token(const std::string& text) {
    for (unsigned char c : text)
        if (c <= 0x20 || c >= 0x7F) return false;
    return true;
}

// The CommandUUID: as given, or a version-4 UUID from the host's random bytes.
std::optional<std::string> command_uuid(const RenderOptions& options, Report& report) {
    if (options.command_uuid) {
        const std::string& given = *options.command_uuid;
        if (given.empty() || given.size() > kMaxCommandUuid || !is_printable_token(given)) {
            report.error("render.command_uuid_invalid", "/options/command_uuid",
                         "command_uuid must be 1 to 128 printable ASCII characters without spaces, such as a UUID.");
            return std::nullopt;
        }
        return given;
    }
    if (options.random_bytes.size() >= 16) return crypto::uuid_v4(options.random_bytes.substr(0, 16));
    report.error("render.command_uuid_missing", "/options/command_uuid",
                 "An MDM command needs a CommandUUID: give command_uuid, or 16 random bytes (random_hex) to make a "
                 "version-4 UUID from.");
    return std::nullopt;
}

// RemoveProfile naming `identifier`: the one builder of the command, for a policy and for a recorded identifier.
void remove_command(const std::string& identifier, const RenderOptions& options, RenderResult& result) {
    auto uuid = command_uuid(options, result.report);
    result.identity.payload_identifier = identifier;
    if (!uuid) return;
    plist::Dict request;
    request.emplace_back("Identifier", plist::Value(identifier));
    request.emplace_back("RequestType", plist::Value("RemoveProfile"));
    result.content_type = kCommandContentType;
    result.bytes = plist::write_xml(render_detail::build_command(std::move(request), *uuid));
}

}  // namespace

struct PolicyRenderer::Impl {
    render_detail::PreparedPolicy prepared;
    // Loaded on the first signature and reused: the key is parsed once per renderer.
    mutable render_detail::ProfileSigner signer;

    // The profile template, made when a second profile or identity is asked for: a renderer used once
    // (the free functions) never pays for it. Null when the policy cannot have one.
    mutable std::unique_ptr<render_detail::ProfileTemplate> profile_template;
    mutable unsigned profiles_asked = 0;

    render_detail::ProfileTemplate* template_for_next_profile() const {
        if (profiles_asked < 2 && ++profiles_asked == 2)
            profile_template = render_detail::ProfileTemplate::make(prepared);
        return profile_template.get();
    }

    // The XML profile for one device (xml null: its identity only), or false with errors in `result.report`.
    bool profile(const DeviceRecord* device, RenderResult& result, std::string* xml) const {
        if (render_detail::ProfileTemplate* t = template_for_next_profile())
            return t->render(prepared, device, result.report, xml, result.identity);
        auto values = render_detail::resolve(prepared, device, result.report);
        if (!values) return false;
        render_detail::BuiltProfile built = render_detail::build_profile(prepared, *values);
        result.identity = std::move(built.identity);
        if (xml) *xml = plist::write_xml(built.root);
        return true;
    }

    std::optional<std::string> profile_xml(const DeviceRecord* device, RenderResult& result) const {
        std::string xml;
        if (!profile(device, result, &xml)) return std::nullopt;
        return xml;
    }

    // The profile bytes to deliver: signed when the options carry signing material.
    std::optional<std::string> profile_bytes(const DeviceRecord* device, RenderResult& result) const {
        auto xml = profile_xml(device, result);
        if (!xml || !prepared.options.signing) return xml;
        result.signed_profile = true;
        return signer.sign(*xml, prepared.options, result.report);
    }

    void render_mobileconfig(const DeviceRecord* device, RenderResult& result) const {
        auto bytes = profile_bytes(device, result);
        if (!bytes) return;
        result.content_type = kProfileContentType;
        result.bytes = std::move(*bytes);
    }

    void render_ddm(const DeviceRecord* device, RenderResult& result) const {
        render_detail::check_ddm_rules(prepared, device, result.report);
        auto values = render_detail::resolve(prepared, device, result.report);
        if (!values || !result.report.valid()) return;
        render_detail::BuiltDdm built = render_detail::build_ddm(prepared, *values);
        result.identity.payload_identifier = prepared.top_identifier;
        result.content_type = kDdmContentType;
        result.credential_json = std::move(built.credential_json);
        result.credential_url = std::move(built.credential_url);
        result.bytes = built.document.dump(2) + "\n";
    }

    void render_install(const DeviceRecord* device, RenderResult& result) const {
        auto uuid = command_uuid(prepared.options, result.report);
        auto bytes = profile_bytes(device, result);
        if (!uuid || !bytes) return;
        plist::Dict request;
        request.emplace_back("Payload", plist::Data{std::move(*bytes)});
        request.emplace_back("RequestType", plist::Value("InstallProfile"));
        result.content_type = kCommandContentType;
        result.bytes = plist::write_xml(render_detail::build_command(std::move(request), *uuid));
    }

    void render_remove(RenderResult& result) const { remove_command(prepared.top_identifier, prepared.options, result); }
};

PolicyRenderer::PolicyRenderer(const Policy& policy, const RenderOptions& options)
    : impl_(std::make_unique<Impl>()) {
    impl_->prepared = render_detail::prepare(policy, options);
}

PolicyRenderer::~PolicyRenderer() = default;

RenderResult PolicyRenderer::render(const DeviceRecord* device, RenderFormat format) const {
    RenderResult result;
    result.report.append(impl_->prepared.report);
    result.identity.payload_identifier = impl_->prepared.top_identifier;
    if (!result.report.valid()) return result;
    switch (format) {
        case RenderFormat::mobileconfig: impl_->render_mobileconfig(device, result); break;
        case RenderFormat::ddm: impl_->render_ddm(device, result); break;
        case RenderFormat::install_command: impl_->render_install(device, result); break;
        case RenderFormat::remove_command: impl_->render_remove(result); break;
    }
    // Nothing partial: any error empties the output.
    if (!result.report.valid()) {
        result.bytes.clear();
        result.credential_json.clear();
        result.credential_url.clear();
        result.content_type.clear();
        result.identity.payload_uuid.clear();
    }
    return result;
}

RenderResult PolicyRenderer::render(const DeviceRecord* device, RenderFormat format, const CommandInputs& command) {
    RenderOptions& options = impl_->prepared.options;
    options.command_uuid = command.command_uuid;
    options.random_bytes = command.random_bytes;
    options.signing_time = command.signing_time;
    return render(device, format);
}

ProfileIdentity PolicyRenderer::identity(const DeviceRecord& device, Report* report) const {
    RenderResult result;
    result.report.append(impl_->prepared.report);
    result.identity.payload_identifier = impl_->prepared.top_identifier;
    if (result.report.valid()) impl_->profile(&device, result, nullptr);
    if (report) report->append(result.report);
    return result.identity;
}

const char* to_string(RenderFormat format) noexcept {
    switch (format) {
        case RenderFormat::mobileconfig: return "mobileconfig";
        case RenderFormat::ddm: return "ddm";
        case RenderFormat::install_command: return "install-command";
        case RenderFormat::remove_command: return "remove-command";
    }
    return "mobileconfig";
}

std::optional<RenderFormat> parse_render_format(std::string_view text) noexcept {
    for (RenderFormat f : {RenderFormat::mobileconfig, RenderFormat::ddm, RenderFormat::install_command,
                           RenderFormat::remove_command})
        if (text == to_string(f)) return f;
    return std::nullopt;
}

RenderResult render(const Policy& policy, const DeviceRecord* device, RenderFormat format,
                    const RenderOptions& options) {
    return PolicyRenderer(policy, options).render(device, format);
}

RenderResult render_profile(const Policy& policy, const DeviceRecord* device, const RenderOptions& options) {
    RenderOptions unsigned_options = options;
    unsigned_options.signing.reset();
    return render(policy, device, RenderFormat::mobileconfig, unsigned_options);
}

RenderResult render_signed_profile(const Policy& policy, const DeviceRecord* device, const RenderOptions& options) {
    if (!options.signing) {
        RenderResult result;
        result.identity.payload_identifier = profile_payload_identifier(policy, options);
        result.report.error("render.signing_missing", "/options/signing",
                            "A signed profile needs signing material: a certificate and its private key in PEM.");
        return result;
    }
    return render(policy, device, RenderFormat::mobileconfig, options);
}

RenderResult render_ddm(const Policy& policy, const DeviceRecord* device, const RenderOptions& options) {
    return render(policy, device, RenderFormat::ddm, options);
}

RenderResult render_install_command(const Policy& policy, const DeviceRecord* device, const RenderOptions& options) {
    return render(policy, device, RenderFormat::install_command, options);
}

RenderResult render_remove_command(const Policy& policy, const RenderOptions& options) {
    return render(policy, nullptr, RenderFormat::remove_command, options);
}

RenderResult render_remove_command(std::string_view payload_identifier, const RenderOptions& options) {
    RenderResult result;
    const std::string identifier(payload_identifier);
    if (identifier.empty() || identifier.size() > kMaxPayloadIdentifier || !is_printable_token(identifier)) {
        result.report.error("render.identifier_invalid", "/options/payload_identifier",
                            "The payload identifier must be 1 to 512 printable ASCII characters without spaces: the "
                            "PayloadIdentifier the device has installed, as the plan or the state names it.");
        return result;
    }
    remove_command(identifier, options, result);
    if (!result.report.valid()) result.bytes.clear(), result.content_type.clear();
    return result;
}

ProfileIdentity profile_identity(const Policy& policy, const DeviceRecord& device, const RenderOptions& options,
                                 Report* report) {
    RenderOptions identity_options = options;
    identity_options.signing.reset();
    identity_options.preview = false;
    return PolicyRenderer(policy, identity_options).identity(device, report);
}

std::string profile_payload_identifier(const Policy& policy, const RenderOptions& options) {
    return options.identifier_prefix + "." + policy.id;
}

}  // namespace acmepolicy
