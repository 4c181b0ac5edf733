// api_policy_targets: targets and fallback as the core's document reader reads them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"

using namespace acmepolicy;
using nlohmann::json;

TEST(PolicyTargetsApi, TargetsAndFallback) {
    const ApiResult r = api_policy_targets(R"({"name": "Corp Wi-Fi", "targets": {"device_groups": ["g1", "g2"],
        "devices": ["d1"], "device_ids": []}, "fallback": {"policy": "corp-soft", "when": ["attestation_unsupported"]},
        "payload": {"KeySize": "big"}})");
    // A shape error in targets: the answer says so, and still gives what it read. The payload's is not listed.
    ASSERT_EQ(r.status, ApiStatus::invalid_input) << r.json;
    json j = json::parse(r.json);
    ASSERT_EQ(j["diagnostics"].size(), 1u) << j;
    EXPECT_EQ(j["diagnostics"][0]["path"], "/targets/device_ids");
    EXPECT_EQ(j["id"], "corp-wi-fi");  // derived from the name, as validation derives it
    EXPECT_EQ(j["targets"], json({{"device_groups", {"g1", "g2"}}, {"devices", {"d1"}}}));
    EXPECT_EQ(j["fallback"], json({{"policy", "corp-soft"}, {"when", {"attestation_unsupported"}}}));
    EXPECT_FALSE(j["diagnostics"].empty());

    // A draft without a payload: its targets are still readable.
    const ApiResult ok = api_policy_targets(R"({"id": "p", "name": "P", "targets": {"devices": ["d1"]}})");
    ASSERT_EQ(ok.status, ApiStatus::ok) << ok.json;
    j = json::parse(ok.json);
    EXPECT_TRUE(j["diagnostics"].empty());
    EXPECT_EQ(j["id"], "p");
    EXPECT_EQ(j["targets"], json({{"device_groups", json::array()}, {"devices", {"d1"}}}));
    EXPECT_TRUE(j["fallback"].is_null());
}

// An expired CA (a rule with the clock) does not matter: only the shape is read.
TEST(PolicyTargetsApi, ValidShapeIsOk) {
    const ApiResult r = api_policy_targets(R"({"id": "p", "name": "P", "payload": {
        "DirectoryURL": "https://ca.example.com/acme/directory", "ClientIdentifier": "x", "KeyType": "RSA",
        "KeySize": 2048, "HardwareBound": false, "Subject": [[["CN", "x"]]]}, "targets": {"device_groups": ["g"]}})");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    EXPECT_EQ(json::parse(r.json)["targets"]["device_groups"], json({"g"}));
}

TEST(PolicyTargetsApi, StrictReading) {
    for (const char* text : {R"({"id": "p", "id": "q"})", "[1]", "{not json", ""}) {
        const ApiResult r = api_policy_targets(text);
        EXPECT_EQ(r.status, ApiStatus::invalid_input) << text;
        const json j = json::parse(r.json);
        EXPECT_FALSE(j.contains("targets")) << text;
        EXPECT_FALSE(j["diagnostics"].empty()) << text;
    }
    EXPECT_EQ(json::parse(api_policy_targets(R"({"id": "p", "id": "q"})").json)["diagnostics"][0]["code"],
              "json.duplicate_key");
}
