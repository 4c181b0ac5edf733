// api_render and api_verify_client_token: the JSON facade's statuses, metadata and diagnostics.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/render.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::read_file;
using render_test::source_path;

std::string policy_text() { return read_file(source_path("tests/render/cases/byod-rsa.json")); }
nlohmann::json device_json() {
    return nlohmann::json::parse(read_file(source_path("examples/devices/d-0107-ipad-user-enrollment.json")));
}

TEST(RenderApi, RendersAProfileWithMetadata) {
    nlohmann::json options = {{"device", device_json()}, {"identifier_prefix", "net.example"}};
    const ApiResult r = api_render(policy_text(), options.dump());
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const auto meta = nlohmann::json::parse(r.json);
    EXPECT_EQ(meta["ok"], true);
    EXPECT_EQ(meta["format"], "mobileconfig");
    EXPECT_EQ(meta["content_type"], "application/x-apple-aspen-config");
    EXPECT_EQ(meta["payload_identifier"], "net.example.byod-rsa");
    EXPECT_EQ(meta["signed"], false);
    EXPECT_TRUE(meta["diagnostics"].is_array());
    EXPECT_NE(r.bytes.find("<string>" + meta["payload_uuid"].get<std::string>() + "</string>"), std::string::npos);
    EXPECT_NE(r.bytes.find("<string>3C5F9A1E-7B2D-4E8F-9A6C-1D2E3F4A5B6C</string>"), std::string::npos);
}

TEST(RenderApi, InvalidPolicyRendersNothing) {
    auto doc = nlohmann::json::parse(policy_text());
    doc["payload"]["KeySize"] = 512;
    doc["payload"]["KeyType"] = "ECSECPrimeRandom";
    nlohmann::json options = {{"device", device_json()}};
    const ApiResult r = api_render(doc.dump(), options.dump());
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    EXPECT_TRUE(r.bytes.empty());
    const auto meta = nlohmann::json::parse(r.json);
    EXPECT_EQ(meta["ok"], false);
    ASSERT_FALSE(meta["diagnostics"].empty());
    EXPECT_EQ(meta["diagnostics"][0]["path"], "/payload/KeySize");
    EXPECT_EQ(api_render("{not json", options.dump()).status, ApiStatus::invalid_input);
}

TEST(RenderApi, MissingVariableIsInvalidInputWithARenderCode) {
    auto device = device_json();
    device.erase("enrollment_id");
    const ApiResult r = api_render(policy_text(), nlohmann::json{{"device", device}}.dump());
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    EXPECT_TRUE(r.bytes.empty());
    const auto meta = nlohmann::json::parse(r.json);
    ASSERT_EQ(meta["diagnostics"].size(), 1u);
    EXPECT_EQ(meta["diagnostics"][0]["code"], "render.variable_missing");
    EXPECT_EQ(meta["diagnostics"][0]["path"], "/payload/ClientIdentifier");
}

TEST(RenderApi, BadDeviceRecordIsInvalidInputAtTheDevicePath) {
    auto device = device_json();
    device["serial"] = "X";
    const ApiResult r = api_render(policy_text(), nlohmann::json{{"device", device}}.dump());
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    const auto meta = nlohmann::json::parse(r.json);
    EXPECT_EQ(meta["diagnostics"][0]["code"], "device.unknown_key");
    EXPECT_EQ(meta["diagnostics"][0]["path"], "/options/device/serial");
}

TEST(RenderApi, MalformedOptionsAreBadArguments) {
    for (const char* options : {"[]", "{", R"({"format": "pdf"})", R"({"preview": "yes"})", R"({"colour": 1})",
                                R"({"random_hex": "xyz"})", R"({"now": "yesterday"})", R"({"signing": {"key_pem": "k"}})",
                                R"({"signing": {"certificate_pem": "c", "key_pem": "k", "pin": 1}})",
                                R"({"organization": 5})"}) {
        const ApiResult r = api_render(policy_text(), options);
        EXPECT_EQ(r.status, ApiStatus::bad_arguments) << options;
        EXPECT_TRUE(nlohmann::json::parse(r.json).contains("error")) << options;
    }
}

TEST(RenderApi, RemoveCommandNeedsNoDevice) {
    const ApiResult r = api_render(policy_text(), R"({"format": "remove-command", "command_uuid": "c-1"})");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    EXPECT_NE(r.bytes.find("<string>com.example.acmepolicy.byod-rsa</string>"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(r.json)["content_type"], "application/xml");
}

TEST(RenderApi, DdmReportsTheCredentialUrl) {
    nlohmann::json options = {{"device", device_json()}, {"format", "ddm"}, {"ddm_base_url", "https://mdm.example.com/ddm"}};
    const ApiResult r = api_render(policy_text(), options.dump());
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    EXPECT_EQ(nlohmann::json::parse(r.json)["credential_url"], "https://mdm.example.com/ddm/byod-rsa/d-0107.json");
    EXPECT_EQ(nlohmann::json::parse(r.bytes)["credential_url"], "https://mdm.example.com/ddm/byod-rsa/d-0107.json");
}

TEST(RenderApi, VerifyClientToken) {
    const std::string token = client_token("s", "p", "d");
    auto ask = [](const nlohmann::json& request) { return api_verify_client_token(request.dump()); };
    ApiResult yes = ask({{"secret", "s"}, {"policy_id", "p"}, {"device_id", "d"}, {"token", token}});
    EXPECT_EQ(yes.status, ApiStatus::ok);
    EXPECT_EQ(nlohmann::json::parse(yes.json)["valid"], true);
    ApiResult no = ask({{"secret", "s"}, {"policy_id", "p"}, {"device_id", "e"}, {"token", token}});
    EXPECT_EQ(no.status, ApiStatus::ok);
    EXPECT_EQ(nlohmann::json::parse(no.json)["valid"], false);
    EXPECT_EQ(ask({{"secret", "s"}, {"policy_id", "p"}, {"token", token}}).status, ApiStatus::bad_arguments);
    EXPECT_EQ(ask({{"secret", 1}, {"policy_id", "p"}, {"device_id", "d"}, {"token", token}}).status,
              ApiStatus::bad_arguments);
    EXPECT_EQ(api_verify_client_token("nope").status, ApiStatus::bad_arguments);
}

}  // namespace
}  // namespace acmepolicy
