// api_render_remove_command: RemoveProfile from a recorded identifier or a policy id, never a policy document.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/plist.hpp"

using namespace acmepolicy;
using nlohmann::json;

namespace {

const plist::Value* command_member(const plist::Value& root, const char* key) {
    const plist::Value* command = root.find("Command");
    return command ? command->find(key) : nullptr;
}

}  // namespace

TEST(RemoveCommandApi, NamesTheRecordedIdentifier) {
    const ApiResult r = api_render_remove_command(
        R"({"payload_identifier": "org.example.old-prefix.corp-wifi", "command_uuid": "C-1"})");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const json j = json::parse(r.json);
    EXPECT_EQ(j["ok"], true);
    EXPECT_EQ(j["format"], "remove-command");
    EXPECT_EQ(j["content_type"], "application/xml");
    EXPECT_EQ(j["payload_identifier"], "org.example.old-prefix.corp-wifi");
    auto read = plist::read_xml(r.bytes);
    ASSERT_TRUE(read.value);
    EXPECT_EQ(*command_member(*read.value, "Identifier")->as_string(), "org.example.old-prefix.corp-wifi");
    EXPECT_EQ(*command_member(*read.value, "RequestType")->as_string(), "RemoveProfile");
    EXPECT_EQ(*read.value->find("CommandUUID")->as_string(), "C-1");
}

// The policy-id form gives byte for byte what api_render's remove-command gives for the whole policy.
TEST(RemoveCommandApi, PolicyIdMatchesTheFullRender) {
    const std::string policy = R"({"schema_version": 1, "id": "corp-wifi", "name": "Corp Wi-Fi", "payload": {
        "DirectoryURL": "https://ca.example.com/acme/directory", "ClientIdentifier": "{{client_token}}",
        "KeyType": "ECSECPrimeRandom", "KeySize": 256, "HardwareBound": true, "Attest": true,
        "Subject": [[["CN", "{{serial_number}}"]]]}, "targets": {"devices": ["d1"]}})";
    const ApiResult full = api_render(policy, R"({"format": "remove-command", "identifier_prefix": "com.example.mdm",
                                                  "random_hex": "00112233445566778899aabbccddeeff"})");
    ASSERT_EQ(full.status, ApiStatus::ok) << full.json;
    const ApiResult by_id = api_render_remove_command(R"({"policy_id": "corp-wifi", "identifier_prefix": "com.example.mdm",
                                                         "random_hex": "00112233445566778899aabbccddeeff"})");
    ASSERT_EQ(by_id.status, ApiStatus::ok) << by_id.json;
    EXPECT_EQ(by_id.bytes, full.bytes);
    EXPECT_EQ(json::parse(by_id.json)["payload_identifier"], "com.example.mdm.corp-wifi");
    const ApiResult by_identifier = api_render_remove_command(
        R"({"payload_identifier": "com.example.mdm.corp-wifi", "random_hex": "00112233445566778899aabbccddeeff"})");
    EXPECT_EQ(by_identifier.bytes, full.bytes);
}

TEST(RemoveCommandApi, Refusals) {
    auto code_of = [](const char* options, ApiStatus expected) {
        const ApiResult r = api_render_remove_command(options);
        EXPECT_EQ(r.status, expected) << options << " " << r.json;
        EXPECT_TRUE(r.bytes.empty()) << options;
        const json j = json::parse(r.json);
        return j.contains("error") ? j["error"]["code"].get<std::string>()
                                   : j["diagnostics"][0]["code"].get<std::string>();
    };
    EXPECT_EQ(code_of(R"({"payload_identifier": "a b", "command_uuid": "C"})", ApiStatus::invalid_input),
              "render.identifier_invalid");
    EXPECT_EQ(code_of(R"({"payload_identifier": "", "command_uuid": "C"})", ApiStatus::invalid_input),
              "render.identifier_invalid");
    EXPECT_EQ(code_of(R"({"policy_id": "Not Valid", "command_uuid": "C"})", ApiStatus::invalid_input),
              "render.identifier_invalid");
    EXPECT_EQ(code_of(R"({"policy_id": "p", "identifier_prefix": "not dns!", "command_uuid": "C"})",
                      ApiStatus::invalid_input),
              "render.identifier_prefix_invalid");
    EXPECT_EQ(code_of(R"({"payload_identifier": "com.example.p"})", ApiStatus::invalid_input),
              "render.command_uuid_missing");
    EXPECT_EQ(code_of(R"({"command_uuid": "C"})", ApiStatus::bad_arguments), "options.invalid");
    EXPECT_EQ(code_of(R"({"policy_id": "p", "payload_identifier": "com.example.p", "command_uuid": "C"})",
                      ApiStatus::bad_arguments),
              "options.invalid");
    EXPECT_EQ(code_of(R"({"payload_identifier": "com.example.p", "identifier_prefix": "com.x", "command_uuid": "C"})",
                      ApiStatus::bad_arguments),
              "options.invalid");
    EXPECT_EQ(code_of(R"({"payload_identifier": "com.example.p", "format": "ddm"})", ApiStatus::bad_arguments),
              "options.unknown_key");
    EXPECT_EQ(code_of(R"({"payload_identifier": 3})", ApiStatus::bad_arguments), "options.payload_identifier");
    EXPECT_EQ(code_of(R"({"payload_identifier": "com.example.p", "random_hex": "xyz"})", ApiStatus::bad_arguments),
              "options.random_hex");
}
