// The declarative form: asset + configuration declarations, credential document, DDM rules.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/crypto.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;

RenderOptions ddm_options() {
    RenderOptions o = sample_options();
    o.ddm_base_url = "https://mdm.example.com/ddm/credentials/";
    return o;
}

TEST(RenderDdm, DeclarationsReferenceTheCredentialDocument) {
    const DeviceRecord device = sample_device();
    RenderResult r = render_ddm(sample_policy(), &device, ddm_options());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.content_type, "application/json");
    const auto doc = nlohmann::json::parse(r.bytes);
    ASSERT_EQ(doc["declarations"].size(), 3u);
    const auto& asset = doc["declarations"][0];
    const auto& identity = doc["declarations"][1];
    const auto& activation = doc["declarations"][2];
    EXPECT_EQ(activation["Type"], "com.apple.activation.simple");
    EXPECT_EQ(activation["Identifier"], "com.example.mdm.corp-acme.activation");
    EXPECT_EQ(activation["Payload"]["StandardConfigurations"], nlohmann::json::array({identity["Identifier"]}));
    EXPECT_EQ(asset["Type"], "com.apple.asset.credential.acme");
    EXPECT_EQ(asset["Identifier"], "com.example.mdm.corp-acme.credential");
    EXPECT_EQ(identity["Type"], "com.apple.configuration.security.identity");
    EXPECT_EQ(identity["Payload"]["CredentialAssetReference"], asset["Identifier"]);
    const auto& reference = asset["Payload"]["Reference"];
    EXPECT_EQ(reference["DataURL"], "https://mdm.example.com/ddm/credentials/corp-acme/d-0042.json");
    EXPECT_EQ(doc["credential_url"], reference["DataURL"]);
    EXPECT_EQ(r.credential_url, reference["DataURL"]);
    EXPECT_EQ(reference["ContentType"], "application/json");
    EXPECT_EQ(reference["Size"], r.credential_json.size());
    EXPECT_EQ(reference["Hash-SHA-256"], crypto::to_hex(crypto::sha256(r.credential_json)));
    EXPECT_EQ(asset["Payload"]["Authentication"]["Type"], "MDM");
    EXPECT_EQ(asset["Payload"]["Accessible"], "Default");
    // The credential in the document is the served document.
    EXPECT_EQ(doc["credential"].dump(), r.credential_json);
    const auto& c = doc["credential"];
    EXPECT_EQ(c["ClientIdentifier"], "F2LXK1ABCD");
    EXPECT_EQ(c["KeySize"], 384);
    EXPECT_EQ(c["HardwareBound"], true);
    EXPECT_EQ(c["Subject"], nlohmann::json::parse(R"([[["O","Example Inc."]],[["CN","F2LXK1ABCD"]]])"));
    EXPECT_EQ(c["SubjectAltName"]["uniformResourceIdentifier"], "urn:example:00008110-000A1C2E3F4A801E");
    EXPECT_FALSE(c.contains("KeyIsExtractable"));
    EXPECT_FALSE(c.contains("AllowAllAppsAccess"));
    for (const auto& d : doc["declarations"]) {
        EXPECT_EQ(d["ServerToken"].get<std::string>().size(), 64u);
        EXPECT_LE(d["Identifier"].get<std::string>().size(), 64u);
    }
}

TEST(RenderDdm, ServerTokensFollowContent) {
    const DeviceRecord device = sample_device();
    const auto a = nlohmann::json::parse(render_ddm(sample_policy(), &device, ddm_options()).bytes);
    const auto again = nlohmann::json::parse(render_ddm(sample_policy(), &device, ddm_options()).bytes);
    EXPECT_EQ(a, again);
    Policy edited = sample_policy();
    edited.payload.directory_url = "https://acme2.example.com/directory";
    const auto b = nlohmann::json::parse(render_ddm(edited, &device, ddm_options()).bytes);
    EXPECT_NE(a["declarations"][0]["ServerToken"], b["declarations"][0]["ServerToken"]);
    // The configuration's content (its reference to the asset) did not change, so neither does its token.
    EXPECT_EQ(a["declarations"][1]["ServerToken"], b["declarations"][1]["ServerToken"]);
}

TEST(RenderDdm, RenewalChangesTheCredentialAndIdentityTokensOnly) {
    const DeviceRecord device = sample_device();
    const auto base = nlohmann::json::parse(render_ddm(sample_policy(), &device, ddm_options()).bytes);
    RenderOptions renewed = ddm_options();
    renewed.renewal = 0;
    EXPECT_EQ(nlohmann::json::parse(render_ddm(sample_policy(), &device, renewed).bytes), base);
    renewed.renewal = 1;
    const auto one = nlohmann::json::parse(render_ddm(sample_policy(), &device, renewed).bytes);
    renewed.renewal = 2;
    const auto two = nlohmann::json::parse(render_ddm(sample_policy(), &device, renewed).bytes);
    for (int i : {0, 1}) {  // the credential asset and the identity configuration
        EXPECT_NE(one["declarations"][i]["ServerToken"], base["declarations"][i]["ServerToken"]);
        EXPECT_NE(two["declarations"][i]["ServerToken"], one["declarations"][i]["ServerToken"]);
    }
    EXPECT_EQ(one["declarations"][2]["ServerToken"], base["declarations"][2]["ServerToken"]);  // the activation
    EXPECT_EQ(one["credential"], base["credential"]);  // the same credential document, asked for again
}

TEST(RenderDdm, MacOsOnlyKeysAreLeftOutWithAWarning) {
    Policy policy = sample_policy();
    policy.payload.key_is_extractable = true;
    const DeviceRecord device = sample_device();
    RenderResult r = render_ddm(policy, &device, ddm_options());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.report.has_code("render.ddm_macos_only_key"));
    EXPECT_EQ(r.bytes.find("KeyIsExtractable"), std::string::npos);
}

TEST(RenderDdm, Ec192IsRejected) {
    Policy policy = sample_policy();
    policy.payload.hardware_bound = false;
    policy.payload.attest = false;
    policy.payload.key_size = 192;
    const DeviceRecord device = sample_device();
    RenderResult r = render_ddm(policy, &device, ddm_options());
    EXPECT_TRUE(r.bytes.empty());
    ASSERT_TRUE(r.report.has_code("render.ddm_ec192"));
    // The profile form still accepts it (a warning is validation's job).
    EXPECT_TRUE(render_profile(policy, &device, sample_options()).ok());
}

TEST(RenderDdm, NeedsIos17) {
    DeviceRecord device = sample_device();
    device.os_version = "16.7.2";
    RenderResult r = render_ddm(sample_policy(), &device, ddm_options());
    EXPECT_TRUE(r.bytes.empty());
    EXPECT_TRUE(r.report.has_code("render.ddm_os_unsupported"));
    device.platform = Platform::iPadOS;
    device.os_version = "17.0";
    EXPECT_TRUE(render_ddm(sample_policy(), &device, ddm_options()).ok());
    device.os_version.reset();  // unknown version: nothing to object to
    EXPECT_TRUE(render_ddm(sample_policy(), &device, ddm_options()).ok());
}

TEST(RenderDdm, BaseUrlMustBeHttps) {
    const DeviceRecord device = sample_device();
    RenderOptions options = sample_options();
    EXPECT_TRUE(render_ddm(sample_policy(), &device, options).report.has_code("render.ddm_base_url_missing"));
    for (const char* url : {"http://mdm.example.com/", "https://", "https://mdm.example.com/x?y=1", "ftp://x",
                            "https://mdm.example.com/d d", "https://mdm.example.com/\xC3\xA9"}) {
        options.ddm_base_url = url;
        RenderResult r = render_ddm(sample_policy(), &device, options);
        EXPECT_TRUE(r.bytes.empty()) << url;
        EXPECT_TRUE(r.report.has_code("render.ddm_base_url_invalid")) << url;
    }
}

TEST(RenderDdm, HostQueryIsAppendedToTheDataUrlAndChecked) {
    const DeviceRecord device = sample_device();
    RenderOptions options = ddm_options();
    const RenderResult plain = render_ddm(sample_policy(), &device, options);
    options.ddm_data_url_query = "expires=1800000000&signature=0a1b";
    options.ddm_authentication = "None";
    const RenderResult linked = render_ddm(sample_policy(), &device, options);
    ASSERT_TRUE(linked.ok());
    EXPECT_EQ(linked.credential_url, plain.credential_url + "?expires=1800000000&signature=0a1b");
    EXPECT_NE(linked.bytes.find(linked.credential_url), std::string::npos);
    EXPECT_EQ(linked.credential_json, plain.credential_json);  // the document itself is the same
    for (const char* query : {"a b", "x#y", "q=\"", "\xC3\xA9"}) {
        options.ddm_data_url_query = query;
        RenderResult r = render_ddm(sample_policy(), &device, options);
        EXPECT_TRUE(r.bytes.empty()) << query;
        EXPECT_TRUE(r.report.has_code("render.ddm_query_invalid")) << query;
    }
}

TEST(RenderDdm, DeviceIdIsOnePercentEncodedPathSegment) {
    DeviceRecord device = sample_device();
    device.id = "a/b c?";
    RenderResult r = render_ddm(sample_policy(), &device, ddm_options());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.credential_url, "https://mdm.example.com/ddm/credentials/corp-acme/a%2Fb%20c%3F.json");
}

TEST(RenderDdm, AuthenticationAndAccessibleOptions) {
    const DeviceRecord device = sample_device();
    RenderOptions options = ddm_options();
    options.ddm_authentication = "None";
    options.ddm_accessible = "AfterFirstUnlock";
    const auto doc = nlohmann::json::parse(render_ddm(sample_policy(), &device, options).bytes);
    EXPECT_EQ(doc["declarations"][0]["Payload"]["Authentication"]["Type"], "None");
    EXPECT_EQ(doc["declarations"][0]["Payload"]["Accessible"], "AfterFirstUnlock");
    options.ddm_authentication = "Basic";
    EXPECT_TRUE(render_ddm(sample_policy(), &device, options).report.has_code("render.option_invalid"));
}

}  // namespace
}  // namespace acmepolicy
