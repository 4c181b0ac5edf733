// The .mobileconfig: structure, keys, macOS-only keys left out, CA payloads, escaping.
#include <gtest/gtest.h>

#include "acmepolicy/crypto.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

TEST(RenderProfile, RendersTheDocumentedKeysWithDeviceValues) {
    const DeviceRecord device = sample_device();
    RenderResult r = render_profile(sample_policy(), &device, sample_options());
    ASSERT_TRUE(r.ok()) << (r.report.empty() ? "" : r.report.diagnostics().front().message);
    const std::string& xml = r.bytes;
    EXPECT_EQ(r.content_type, "application/x-apple-aspen-config");
    EXPECT_FALSE(r.signed_profile);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC", 0), 0u);
    EXPECT_NE(xml.find("<key>PayloadType</key>\n\t<string>Configuration</string>"), std::string::npos);
    EXPECT_NE(xml.find("<key>PayloadIdentifier</key>\n\t<string>com.example.mdm.corp-acme</string>"),
              std::string::npos);
    EXPECT_NE(xml.find("<key>PayloadDisplayName</key>\n\t<string>Corporate ACME</string>"), std::string::npos);
    EXPECT_NE(xml.find("<key>PayloadOrganization</key>\n\t<string>Example Inc.</string>"), std::string::npos);
    EXPECT_EQ(xml.find("PayloadDescription"), std::string::npos);  // not given
    EXPECT_NE(xml.find("<key>ClientIdentifier</key>\n\t\t\t<string>F2LXK1ABCD</string>"), std::string::npos);
    EXPECT_NE(xml.find("<string>urn:example:00008110-000A1C2E3F4A801E</string>"), std::string::npos);
    EXPECT_NE(xml.find("<string>ana@example.com</string>"), std::string::npos);
    EXPECT_NE(xml.find("<key>KeySize</key>\n\t\t\t<integer>384</integer>"), std::string::npos);
    EXPECT_NE(xml.find("<key>HardwareBound</key>\n\t\t\t<true/>"), std::string::npos);
    EXPECT_NE(xml.find("<key>Attest</key>\n\t\t\t<true/>"), std::string::npos);
    EXPECT_NE(xml.find("<key>UsageFlags</key>\n\t\t\t<integer>1</integer>"), std::string::npos);
    EXPECT_EQ(count(xml, "<string>com.apple.security.acme</string>"), 1u);
    EXPECT_EQ(count(xml, "<string>com.apple.security.root</string>"), 1u);
    EXPECT_EQ(xml.find("{{"), std::string::npos);
    // macOS-only keys never reach an iOS profile, whatever the policy says.
    EXPECT_EQ(xml.find("KeyIsExtractable"), std::string::npos);
    EXPECT_EQ(xml.find("AllowAllAppsAccess"), std::string::npos);
    EXPECT_EQ(r.identity.payload_identifier, "com.example.mdm.corp-acme");
    EXPECT_NE(xml.find("<key>PayloadUUID</key>\n\t<string>" + r.identity.payload_uuid + "</string>"),
              std::string::npos);
}

TEST(RenderProfile, BundlesEachCaCertificateAsDer) {
    Policy policy = sample_policy();
    policy.ca_certificates.push_back(policy.ca_certificates.front());
    const DeviceRecord device = sample_device();
    RenderResult r = render_profile(policy, &device, sample_options());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(count(r.bytes, "<string>com.apple.security.root</string>"), 2u);
    EXPECT_NE(r.bytes.find("<string>com.example.mdm.corp-acme.root.1</string>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>com.example.mdm.corp-acme.root.2</string>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>corp-acme-ca-1.cer</string>"), std::string::npos);
    // The DER, as Base64 (first line), is in the profile.
    std::string pem = policy.ca_certificates.front();
    const auto begin = pem.find('\n') + 1;
    const std::string first_line = pem.substr(begin, 64);
    EXPECT_NE(r.bytes.find(first_line.substr(0, 60)), std::string::npos);
}

TEST(RenderProfile, OptionalKeysAbsentWhenThePolicyOmitsThem) {
    Policy policy = sample_policy();
    policy.payload.attest.reset();
    policy.payload.hardware_bound = false;
    policy.payload.key_type = "RSA";
    policy.payload.key_size = 2048;
    policy.payload.subject_alt_name.reset();
    policy.payload.usage_flags.reset();
    policy.payload.extended_key_usage.reset();
    policy.ca_certificates.clear();
    const DeviceRecord device = sample_device();
    RenderResult r = render_profile(policy, &device, sample_options());
    ASSERT_TRUE(r.ok());
    for (const char* key : {"Attest", "SubjectAltName", "UsageFlags", "ExtendedKeyUsage", "com.apple.security.root"})
        EXPECT_EQ(r.bytes.find(key), std::string::npos) << key;
    EXPECT_NE(r.bytes.find("<key>HardwareBound</key>\n\t\t\t<false/>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>RSA</string>"), std::string::npos);
}

TEST(RenderProfile, EscapesHostileTextAndKeepsItWhole) {
    Policy policy = sample_policy();
    policy.name = "R&D <\"Lab\"> ]]> 'ü' 日本";
    DeviceRecord device = sample_device();
    device.serial_number = "A<B>&C]]>\"'é" + std::string(4000, 'x');
    RenderOptions options = sample_options();
    options.description = "a & b < c";
    RenderResult r = render_profile(policy, &device, options);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.bytes.find("R&amp;D &lt;\"Lab\"&gt; ]]&gt; 'ü' 日本"), std::string::npos);
    EXPECT_NE(r.bytes.find("A&lt;B&gt;&amp;C]]&gt;\"'é" + std::string(4000, 'x') + "<"), std::string::npos);
    EXPECT_NE(r.bytes.find("a &amp; b &lt; c"), std::string::npos);
}

TEST(RenderProfile, DeviceValueXmlCannotCarryIsAnError) {
    DeviceRecord device = sample_device();
    device.serial_number = std::string("AB\x01" "CD", 5);
    RenderResult r = render_profile(sample_policy(), &device, sample_options());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.value_invalid"));
}

TEST(RenderProfile, BadIdentifierPrefixIsAnError) {
    const DeviceRecord device = sample_device();
    for (const char* prefix : {"", ".com", "com..example", "com example", "com/example", "com.example."}) {
        RenderOptions options = sample_options();
        options.identifier_prefix = prefix;
        RenderResult r = render_profile(sample_policy(), &device, options);
        EXPECT_TRUE(r.bytes.empty()) << prefix;
        EXPECT_TRUE(r.report.has_code("render.identifier_prefix_invalid")) << prefix;
    }
}

TEST(RenderProfile, UnreadableCaCertificateIsAnError) {
    Policy policy = sample_policy();
    policy.ca_certificates = {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"};
    const DeviceRecord device = sample_device();
    RenderResult r = render_profile(policy, &device, sample_options());
    EXPECT_TRUE(r.bytes.empty());
    ASSERT_TRUE(r.report.has_code("render.ca_certificate_invalid"));
    EXPECT_EQ(r.report.diagnostics().front().path, "/ca_certificates/0");
}

TEST(RenderFormatNames, RoundTrip) {
    for (RenderFormat f : {RenderFormat::mobileconfig, RenderFormat::ddm, RenderFormat::install_command,
                           RenderFormat::remove_command})
        EXPECT_EQ(parse_render_format(to_string(f)), f);
    EXPECT_FALSE(parse_render_format("pdf").has_value());
}

}  // namespace
}  // namespace acmepolicy
