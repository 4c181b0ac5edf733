// MDM commands: InstallProfile carries the profile bytes, RemoveProfile the stable identifier.
#include <gtest/gtest.h>

#include "acmepolicy/crypto.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;

std::string between(const std::string& text, const std::string& open, const std::string& close) {
    const auto a = text.find(open);
    if (a == std::string::npos) return {};
    const auto b = text.find(close, a + open.size());
    return b == std::string::npos ? std::string() : text.substr(a + open.size(), b - a - open.size());
}

TEST(RenderCommands, InstallProfileCarriesTheExactProfile) {
    const DeviceRecord device = sample_device();
    RenderOptions options = sample_options();
    options.command_uuid = "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9";
    RenderResult command = render_install_command(sample_policy(), &device, options);
    ASSERT_TRUE(command.ok());
    EXPECT_NE(command.bytes.find("<key>RequestType</key>\n\t\t<string>InstallProfile</string>"), std::string::npos);
    EXPECT_NE(command.bytes.find("<key>CommandUUID</key>\n\t<string>0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9</string>"),
              std::string::npos);
    std::string base64 = between(command.bytes, "<key>Payload</key>\n\t\t<data>\n", "</data>");
    auto payload = crypto::base64_decode(base64);
    ASSERT_TRUE(payload.has_value());
    RenderResult profile = render_profile(sample_policy(), &device, options);
    EXPECT_EQ(*payload, profile.bytes);
    EXPECT_EQ(command.identity.payload_uuid, profile.identity.payload_uuid);
}

TEST(RenderCommands, CommandUuidFromRandomBytes) {
    RenderOptions options = sample_options();
    options.random_bytes = std::string(16, '\x5a');
    RenderResult r = render_remove_command(sample_policy(), options);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.bytes.find("<string>" + *crypto::uuid_v4(options.random_bytes) + "</string>"), std::string::npos);
    options.random_bytes[0] = '\x5b';
    EXPECT_NE(render_remove_command(sample_policy(), options).bytes, r.bytes);
}

TEST(RenderCommands, CommandUuidRequired) {
    RenderOptions options = sample_options();
    options.random_bytes = std::string(15, 'x');
    RenderResult r = render_remove_command(sample_policy(), options);
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.command_uuid_missing"));
    options.command_uuid = "has space";
    EXPECT_TRUE(render_remove_command(sample_policy(), options).report.has_code("render.command_uuid_invalid"));
    options.command_uuid = "";
    EXPECT_TRUE(render_remove_command(sample_policy(), options).report.has_code("render.command_uuid_invalid"));
}

TEST(RenderCommands, RemoveProfileNamesTheTopLevelIdentifier) {
    RenderOptions options = sample_options();
    options.command_uuid = "cmd-1";
    RenderResult r = render_remove_command(sample_policy(), options);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.content_type, "application/xml");
    EXPECT_NE(r.bytes.find("<key>Identifier</key>\n\t\t<string>com.example.mdm.corp-acme</string>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>RemoveProfile</string>"), std::string::npos);
    EXPECT_EQ(r.identity.payload_identifier, "com.example.mdm.corp-acme");
    // It does not depend on the device or on the policy's content.
    Policy edited = sample_policy();
    edited.payload.key_size = 256;
    EXPECT_EQ(render_remove_command(edited, options).bytes, r.bytes);
}

TEST(RenderCommands, InstallWithMissingVariableRendersNothing) {
    DeviceRecord device = sample_device();
    device.udid.reset();
    RenderOptions options = sample_options();
    options.command_uuid = "cmd-1";
    RenderResult r = render_install_command(sample_policy(), &device, options);
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.variable_missing"));
}

}  // namespace
}  // namespace acmepolicy
