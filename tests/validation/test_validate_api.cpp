// api_validate and api_validate_set: the JSON-in/JSON-out facade every host calls.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;

TEST(ValidateApi, GoodPolicyIsOk) {
    const ApiResult result = api_validate(testing::good_policy().dump(), "");
    EXPECT_EQ(result.status, ApiStatus::ok);
    EXPECT_EQ(json::parse(result.json), json::parse(R"({"valid": true, "diagnostics": []})"));
    EXPECT_TRUE(result.bytes.empty());
}

TEST(ValidateApi, FindingsComeBackAsInvalidInput) {
    json policy = testing::good_policy();
    policy["payload"]["KeySize"] = 512;
    const ApiResult result = api_validate(policy.dump(), "{}");
    EXPECT_EQ(result.status, ApiStatus::invalid_input);
    const json document = json::parse(result.json);
    EXPECT_FALSE(document["valid"].get<bool>());
    ASSERT_EQ(document["diagnostics"].size(), 1u);
    EXPECT_EQ(document["diagnostics"][0]["code"], "keysize.ec_curve");
    EXPECT_EQ(document["diagnostics"][0]["path"], "/payload/KeySize");
    EXPECT_EQ(document["diagnostics"][0]["severity"], "error");
    EXPECT_EQ(api_validate("{not json", "").status, ApiStatus::invalid_input);
}

TEST(ValidateApi, WarningsAloneAreOk) {
    json policy = testing::good_policy();
    policy["payload"]["KeyIsExtractable"] = false;
    const ApiResult result = api_validate(policy.dump(), "");
    EXPECT_EQ(result.status, ApiStatus::ok);
    EXPECT_EQ(json::parse(result.json)["diagnostics"][0]["severity"], "warning");
}

TEST(ValidateApi, OptionsAreCheckedAndNowIsUsed) {
    EXPECT_EQ(api_validate(testing::good_policy().dump(), "[]").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_validate(testing::good_policy().dump(), R"({"now": "yesterday"})").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_validate(testing::good_policy().dump(), R"({"now": "2026-11-28T12:00:00Z"})").status, ApiStatus::ok);
}

TEST(ValidateApi, SetChecksEachPolicyAndNames) {
    json first = testing::good_policy();
    json second = testing::good_policy();
    second["id"] = "second";
    second["name"] = "CORPORATE acme";
    json third = testing::good_policy();
    third["id"] = "third";
    third["name"] = "Third";
    third["payload"]["KeyType"] = "EC";
    const ApiResult result = api_validate_set(json::array({first, second, third}).dump(), "");
    EXPECT_EQ(result.status, ApiStatus::invalid_input);
    const json document = json::parse(result.json);
    EXPECT_FALSE(document["valid"].get<bool>());
    ASSERT_EQ(document["policies"].size(), 3u);
    EXPECT_EQ(document["policies"][0]["id"], "corp-acme");
    EXPECT_TRUE(document["policies"][0]["valid"].get<bool>());
    EXPECT_EQ(document["policies"][1]["name"], "CORPORATE acme");
    EXPECT_FALSE(document["policies"][2]["valid"].get<bool>());
    EXPECT_EQ(document["policies"][2]["diagnostics"][0]["code"], "keytype.invalid");
    ASSERT_EQ(document["diagnostics"].size(), 1u);
    EXPECT_EQ(document["diagnostics"][0]["code"], "set.duplicate_name");
    EXPECT_EQ(document["diagnostics"][0]["path"], "/1/name");

    second["name"] = "Second";
    EXPECT_EQ(api_validate_set(json::array({first, second}).dump(), "").status, ApiStatus::ok);
}

TEST(ValidateApi, SetKeepsDuplicateKeysPerPolicy) {
    const std::string good = testing::good_policy().dump();
    std::string duplicated = good;
    duplicated.insert(1, "\"name\": \"Shadow\", ");
    const ApiResult result = api_validate_set("[" + good + ", " + duplicated + "]", "");
    const json document = json::parse(result.json);
    EXPECT_EQ(result.status, ApiStatus::invalid_input);
    EXPECT_TRUE(document["policies"][0]["valid"].get<bool>());
    EXPECT_EQ(document["policies"][1]["diagnostics"][0]["code"], "json.duplicate_key");
    EXPECT_EQ(document["policies"][1]["diagnostics"][0]["path"], "/name");
}

TEST(ValidateApi, SetMustBeAnArray) {
    const ApiResult object = api_validate_set(testing::good_policy().dump(), "");
    EXPECT_EQ(object.status, ApiStatus::invalid_input);
    EXPECT_EQ(json::parse(object.json)["diagnostics"][0]["code"], "document.wrong_type");
    const ApiResult broken = api_validate_set("[{", "");
    EXPECT_EQ(json::parse(broken.json)["diagnostics"][0]["code"], "json.syntax");
}

}  // namespace
}  // namespace acmepolicy
