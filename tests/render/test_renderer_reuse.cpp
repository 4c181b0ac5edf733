// A PolicyRenderer that renders many profiles fills a template made once per policy: every profile it
// gives must be byte for byte what the one-shot functions (and the golden files) give, with the same
// identities and the same diagnostics, for any device values.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/validate.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::read_file;
using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;
using render_test::source_path;

Policy read_case_policy(const std::string& name) {
    const std::string text = read_file(source_path("tests/render/cases/" + name));
    PolicyCheck check = check_policy(std::string_view(text));
    EXPECT_TRUE(check.policy.has_value()) << name;
    return check.policy.value_or(Policy{});
}

DeviceRecord read_case_device(const std::string& path) {
    Report report;
    std::optional<DeviceRecord> device =
        read_device(nlohmann::json::parse(read_file(source_path(path))), "/device", report);
    EXPECT_TRUE(device.has_value()) << path;
    return device.value_or(DeviceRecord{});
}

struct GoldenProfile {
    const char* golden;
    const char* policy;
    const char* device;  // "" for a preview
    RenderOptions options;
};

std::vector<GoldenProfile> golden_profiles() {
    RenderOptions corp;
    corp.identifier_prefix = "com.example.mdm";
    corp.organization = "Example Inc.";
    RenderOptions preview;
    preview.preview = true;
    RenderOptions byod;
    byod.identifier_prefix = "net.example";
    byod.organization = "Example Inc.";
    byod.description = "Wi-Fi identity for personal devices.";
    RenderOptions token;
    token.client_token_secret = "correct horse battery staple";
    RenderOptions hostile;
    hostile.organization = "<&> ]]> \"q\" 'a' \xC3\xBC";
    hostile.description = "x\ty";
    return {
        {"corp-acme.d-0042.mobileconfig", "corp-acme-with-ca.json", "examples/devices/d-0042.json", corp},
        {"corp-acme.preview.mobileconfig", "corp-acme-with-ca.json", "", preview},
        {"byod-rsa.d-0107.mobileconfig", "byod-rsa.json", "examples/devices/d-0107-ipad-user-enrollment.json", byod},
        {"token-acme.d-0042.mobileconfig", "token-acme.json", "examples/devices/d-0042.json", token},
        {"hostile.hostile-device.mobileconfig", "hostile.json", "tests/render/cases/hostile-device.json", hostile},
    };
}

TEST(RendererReuse, EveryRepeatedRenderMatchesTheGoldenFile) {
    for (const GoldenProfile& g : golden_profiles()) {
        const std::string golden = read_file(source_path(std::string("tests/render/golden/") + g.golden));
        const Policy policy = read_case_policy(g.policy);
        std::optional<DeviceRecord> device;
        if (*g.device) device = read_case_device(g.device);
        PolicyRenderer renderer(policy, g.options);
        for (int i = 0; i < 4; ++i) {
            const RenderResult r = renderer.render(device ? &*device : nullptr, RenderFormat::mobileconfig);
            ASSERT_TRUE(r.ok()) << g.golden;
            EXPECT_EQ(r.bytes, golden) << g.golden << ", render " << i + 1;
        }
    }
}

/// Devices whose values need escaping, are long, non-ASCII, or look like markup.
std::vector<DeviceRecord> awkward_devices() {
    const std::string values[] = {"plain", "<&>\"'", "]]>", "a\rb", "tab\there", "\xE6\x97\xA5\xE6\x9C\xAC",
                                  "@@acmepolicy-hole-v0000@@", "{{serial_number}}", std::string(3000, 'x')};
    std::vector<DeviceRecord> devices;
    int n = 0;
    for (const std::string& serial : values)
        for (const char* email : {"ana@example.com", "<b>@example.com"}) {
            DeviceRecord d = sample_device();
            ++n;
            d.id = "d-" + std::to_string(n) + (n % 3 == 0 ? "&<" : "");
            d.serial_number = serial;
            d.user_email = email;
            d.udid = serial + "-udid";
            devices.push_back(std::move(d));
        }
    // Ids around 256 bytes: the length prefix of a UUID name then needs a second byte.
    for (std::size_t length : {255u, 256u, 300u}) {
        DeviceRecord d = sample_device();
        d.id = std::string(length, 'i');
        devices.push_back(std::move(d));
    }
    return devices;
}

TEST(RendererReuse, ManyDevicesMatchTheOneShotFunctions) {
    const Policy policy = sample_policy();
    RenderOptions options = sample_options();
    options.description = "Corporate & <friends>";
    PolicyRenderer renderer(policy, options);
    for (const DeviceRecord& device : awkward_devices()) {
        const RenderResult one_shot = render_profile(policy, &device, options);
        const RenderResult reused = renderer.render(&device, RenderFormat::mobileconfig);
        ASSERT_TRUE(one_shot.ok()) << device.id;
        EXPECT_EQ(reused.bytes, one_shot.bytes) << device.id;
        EXPECT_EQ(reused.identity.payload_uuid, one_shot.identity.payload_uuid) << device.id;
        EXPECT_EQ(reused.identity.payload_identifier, one_shot.identity.payload_identifier);
        EXPECT_EQ(renderer.identity(device).payload_uuid, profile_identity(policy, device, options).payload_uuid)
            << device.id;
    }
}

TEST(RendererReuse, PerCommandInputsGiveWhatTheOneShotFunctionGivesWithThoseOptions) {
    const Policy policy = sample_policy();
    const RenderOptions options = sample_options();
    PolicyRenderer renderer(policy, options);
    int n = 0;
    for (const DeviceRecord& device : awkward_devices()) {
        CommandInputs command;
        command.command_uuid = "CMD-" + std::to_string(++n);
        command.random_bytes = std::string(48, static_cast<char>(n));
        command.signing_time = 1800000000 + n;
        RenderOptions same = options;
        same.command_uuid = command.command_uuid;
        same.random_bytes = command.random_bytes;
        same.signing_time = command.signing_time;
        const RenderResult one_shot = render_install_command(policy, &device, same);
        const RenderResult reused = renderer.render(&device, RenderFormat::install_command, command);
        ASSERT_TRUE(one_shot.ok()) << device.id;
        EXPECT_EQ(reused.bytes, one_shot.bytes) << device.id;
        EXPECT_NE(reused.bytes.find("CMD-" + std::to_string(n)), std::string::npos) << device.id;
    }
    // The inputs of one call do not leak into the next: without a CommandUUID or random bytes it is refused.
    const RenderResult bare = renderer.render(&awkward_devices().front(), RenderFormat::install_command, {});
    EXPECT_FALSE(bare.ok());
}

TEST(RendererReuse, PolicyTextLookingLikeATemplateMarkerStillRendersExactly) {
    Policy policy = sample_policy();
    policy.name = "Name @@acmepolicy-hole-u0001@@ and @@acmepolicy-hole-";
    policy.payload.subject = {{{"O", "@@acmepolicy-hole-v0000@@"}}, {{"CN", "{{serial_number}}"}}};
    PolicyRenderer renderer(policy, sample_options());
    for (const DeviceRecord& device : awkward_devices()) {
        const RenderResult one_shot = render_profile(policy, &device, sample_options());
        ASSERT_TRUE(one_shot.ok());
        EXPECT_EQ(renderer.render(&device, RenderFormat::mobileconfig).bytes, one_shot.bytes) << device.id;
    }
}

TEST(RendererReuse, MissingValuesGiveTheSameDiagnostics) {
    const Policy policy = sample_policy();
    PolicyRenderer renderer(policy, sample_options());
    const DeviceRecord good = sample_device();
    ASSERT_TRUE(renderer.render(&good, RenderFormat::mobileconfig).ok());
    ASSERT_TRUE(renderer.render(&good, RenderFormat::mobileconfig).ok());  // the template is in use now
    DeviceRecord missing = sample_device();
    missing.serial_number.reset();
    missing.user_email = std::string("bad\x01value");
    const RenderResult one_shot = render_profile(policy, &missing, sample_options());
    const RenderResult reused = renderer.render(&missing, RenderFormat::mobileconfig);
    EXPECT_FALSE(reused.ok());
    EXPECT_TRUE(reused.bytes.empty());
    EXPECT_TRUE(reused.identity.payload_uuid.empty());
    ASSERT_FALSE(one_shot.report.diagnostics().empty());
    EXPECT_EQ(reused.report.diagnostics(), one_shot.report.diagnostics());
    // A good device right after a failed one is unaffected.
    EXPECT_EQ(renderer.render(&good, RenderFormat::mobileconfig).bytes, render_profile(policy, &good, sample_options()).bytes);
}

TEST(RendererReuse, PoliciesWithSeveralCaCertificatesAndClientTokens) {
    const Policy base = read_case_policy("token-acme.json");
    Policy policy = base;
    const std::string ca = read_file(source_path("tests/render/cases/example-root-ca.pem"));
    policy.ca_certificates = {ca, ca, ca};
    RenderOptions options;
    options.client_token_secret = "s3cret";
    PolicyRenderer renderer(policy, options);
    for (const DeviceRecord& device : awkward_devices()) {
        const RenderResult one_shot = render_profile(policy, &device, options);
        ASSERT_TRUE(one_shot.ok()) << device.id;
        EXPECT_EQ(renderer.render(&device, RenderFormat::mobileconfig).bytes, one_shot.bytes) << device.id;
    }
}

}  // namespace
}  // namespace acmepolicy
