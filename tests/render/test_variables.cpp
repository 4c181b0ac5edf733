// Variables: substitution from the device record, missing variables, preview mode, client_token.
#include <gtest/gtest.h>

#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;

TEST(RenderVariables, MissingVariableNamesTheVariableAndTheDevice) {
    DeviceRecord device = sample_device();
    device.user_email.reset();
    RenderResult r = render_profile(sample_policy(), &device, sample_options());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.bytes.empty());
    ASSERT_EQ(r.report.diagnostics().size(), 1u);
    const Diagnostic& d = r.report.diagnostics().front();
    EXPECT_EQ(d.code, "render.variable_missing");
    EXPECT_EQ(d.path, "/payload/SubjectAltName/rfc822Name");
    EXPECT_NE(d.message.find("user_email"), std::string::npos);
    EXPECT_NE(d.message.find("d-0042"), std::string::npos);
}

TEST(RenderVariables, EmptyValueCountsAsMissing) {
    DeviceRecord device = sample_device();
    device.serial_number = "";
    RenderResult r = render_profile(sample_policy(), &device, sample_options());
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.variable_missing"));
    // Both uses of serial_number are reported, each at its own path.
    std::vector<std::string> paths;
    for (const auto& d : r.report.diagnostics()) paths.push_back(d.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"/payload/ClientIdentifier", "/payload/Subject/1/0/1"}));
}

TEST(RenderVariables, EveryRecordVariableIsSubstituted) {
    Policy policy = sample_policy();
    policy.payload.client_identifier = "{{serial_number}}|{{udid}}|{{enrollment_id}}|{{device_id}}|{{device_name}}|{{user_email}}";
    DeviceRecord device = sample_device();
    device.enrollment_id = "ENR-1";
    RenderResult r = render_profile(policy, &device, sample_options());
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.bytes.find("<string>F2LXK1ABCD|00008110-000A1C2E3F4A801E|ENR-1|d-0042|Ana's iPhone|ana@example.com</string>"),
              std::string::npos);
}

TEST(RenderVariables, PreviewKeepsPlaceholdersAndNeedsNoDevice) {
    RenderOptions options = sample_options();
    options.preview = true;
    RenderResult r = render_profile(sample_policy(), nullptr, options);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.bytes.find("<key>ClientIdentifier</key>\n\t\t\t<string>{{serial_number}}</string>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>urn:example:{{udid}}</string>"), std::string::npos);
    EXPECT_FALSE(r.identity.payload_uuid.empty());
}

TEST(RenderVariables, WithoutPreviewADeviceIsRequired) {
    RenderResult r = render_profile(sample_policy(), nullptr, sample_options());
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.device_missing"));
}

TEST(RenderVariables, ClientTokenIsHmacOfPolicyAndDevice) {
    // HMAC-SHA-256(key "secret", "corp-acme\0d-0042"), base64url without padding; computed independently with
    // `printf 'corp-acme\0d-0042' | openssl dgst -sha256 -hmac secret -binary | basenc --base64url`.
    const std::string token = client_token("secret", "corp-acme", "d-0042");
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(token, "B2yrEI-OFvDxj_ut9HxdSgzY9AAX7LffSV9WcF27Smw");
    EXPECT_NE(token, client_token("secret", "corp-acme", "d-0043"));
    EXPECT_NE(token, client_token("secret", "corp-acmed", "-0042"));
    EXPECT_NE(token, client_token("other", "corp-acme", "d-0042"));
}

TEST(RenderVariables, VerifyClientToken) {
    const std::string token = client_token("s3cret", "corp-acme", "d-0042");
    EXPECT_TRUE(verify_client_token("s3cret", "corp-acme", "d-0042", token));
    EXPECT_FALSE(verify_client_token("s3cret", "corp-acme", "d-0043", token));
    EXPECT_FALSE(verify_client_token("s3cret", "corp-acme", "d-0042", token.substr(1)));
    EXPECT_FALSE(verify_client_token("s3cre7", "corp-acme", "d-0042", token));
    EXPECT_FALSE(verify_client_token("", "corp-acme", "d-0042", client_token("", "corp-acme", "d-0042")));
}

TEST(RenderVariables, ClientTokenInTheProfile) {
    Policy policy = sample_policy();
    policy.payload.client_identifier = "{{serial_number}}.{{client_token}}";
    const DeviceRecord device = sample_device();
    RenderOptions options = sample_options();
    RenderResult missing = render_profile(policy, &device, options);
    EXPECT_TRUE(missing.bytes.empty());
    EXPECT_TRUE(missing.report.has_code("render.client_token_secret_missing"));

    options.client_token_secret = "s3cret";
    RenderResult r = render_profile(policy, &device, options);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.bytes.find("<string>F2LXK1ABCD." + client_token("s3cret", "corp-acme", "d-0042") + "</string>"),
              std::string::npos);

    options.preview = true;
    options.client_token_secret.reset();
    RenderResult preview = render_profile(policy, nullptr, options);
    ASSERT_TRUE(preview.ok());
    EXPECT_NE(preview.bytes.find("<string>{{serial_number}}.{{client_token}}</string>"), std::string::npos);
}

}  // namespace
}  // namespace acmepolicy
