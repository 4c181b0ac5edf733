// The JSON facade of assignment: statuses, option handling, set rules and hostile inputs.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"

namespace acmepolicy {
namespace {

std::string example(const std::string& relative) {
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/" + relative, std::ios::binary);
    EXPECT_TRUE(file) << relative;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

nlohmann::json corp() { return nlohmann::json::parse(example("policies/corp-acme.json")); }
std::string array_of(std::initializer_list<nlohmann::json> policies) { return nlohmann::json(policies).dump(); }
nlohmann::json parse(const ApiResult& r) { return nlohmann::json::parse(r.json); }

bool has_code(const nlohmann::json& diagnostics, const std::string& code) {
    for (const auto& d : diagnostics)
        if (d["code"] == code) return true;
    return false;
}

TEST(AssignApi, ResolvesTheExamples) {
    ApiResult r = api_resolve(example("inventory.json"), array_of({corp()}), "");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    auto doc = parse(r);
    ASSERT_EQ(doc["policies"].size(), 1u);
    const auto& p = doc["policies"][0];
    for (const char* key : {"id", "name", "valid", "diagnostics", "included", "excluded", "counts"})
        EXPECT_TRUE(p.contains(key)) << key;
    EXPECT_TRUE(doc["diagnostics"].is_array());
    EXPECT_EQ(api_resolve(example("inventory.json"), array_of({corp()}), "{}").json, r.json);  // deterministic
}

TEST(AssignApi, BadOptionsAreBadArguments) {
    EXPECT_EQ(api_resolve("{}", "[]", "not json").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_resolve("{}", "[]", R"({"colour": "red"})").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_resolve("{}", "[]", R"({"now": "yesterday"})").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_plan("{}", "[]", "{}", R"({"identifier_prefix": 7})").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_explain("{}", "{}", "d", "[]").status, ApiStatus::bad_arguments);
}

TEST(AssignApi, AnInventoryWithErrorsIsNotResolved) {
    ApiResult r = api_resolve(R"({"devices": [{"id": "d"}, {"id": "d"}]})", array_of({corp()}), "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    auto doc = parse(r);
    EXPECT_TRUE(doc["policies"].empty());
    EXPECT_TRUE(has_code(doc["diagnostics"], "inventory.duplicate_id"));
}

TEST(AssignApi, PoliciesMustBeAnArray) {
    ApiResult r = api_resolve(example("inventory.json"), corp().dump(), "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    EXPECT_TRUE(has_code(parse(r)["diagnostics"], "document.wrong_type"));
    r = api_resolve(example("inventory.json"), "[{", "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    EXPECT_TRUE(has_code(parse(r)["diagnostics"], "json.syntax"));
}

TEST(AssignApi, ARepeatedPolicyIdMakesThatPolicyInvalid) {
    nlohmann::json second = corp();
    second["name"] = "Corporate ACME again";
    ApiResult r = api_resolve(example("inventory.json"), array_of({corp(), second}), "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    auto doc = parse(r);
    ASSERT_EQ(doc["policies"].size(), 2u);
    int invalid = 0;
    for (const auto& p : doc["policies"]) {
        if (p["valid"] == true) continue;
        ++invalid;
        EXPECT_TRUE(p["included"].empty());
        for (const auto& e : p["excluded"]) EXPECT_EQ(e["reason"], "policy_invalid");
    }
    EXPECT_GE(invalid, 1);
}

TEST(AssignApi, ADuplicateKeyMakesThePolicyUnreadable) {
    std::string text = corp().dump();
    text.insert(1, R"("name": "Shadow",)");
    ApiResult r = api_resolve(example("inventory.json"), "[" + text + "]", "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    auto p = parse(r)["policies"][0];
    EXPECT_EQ(p["valid"], false);
    EXPECT_TRUE(has_code(p["diagnostics"], "resolve.policy_invalid"));
}

TEST(AssignApi, ExplainAnswersOnePair) {
    ApiResult r = api_explain(example("inventory.json"), corp().dump(), "d-0004", "");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    EXPECT_EQ(parse(r), (nlohmann::json{{"policy", "corp-acme"}, {"device", "d-0004"}, {"included", false},
                                        {"reason", "os_too_old"}, {"message", "excluded: iOS 15.7 is older than 16.0"},
                                        {"warnings", nlohmann::json::array()}}));
    EXPECT_EQ(api_explain(example("inventory.json"), corp().dump(), "d-missing", "").status, ApiStatus::not_found);
    EXPECT_EQ(api_explain(example("inventory.json"), "{", "d-0004", "").status, ApiStatus::invalid_input);
    EXPECT_EQ(api_explain("{\"devices\": 1}", corp().dump(), "d-0004", "").status, ApiStatus::invalid_input);
}

TEST(AssignApi, PlanNeedsTheSecretForClientTokens) {
    nlohmann::json policy = corp();
    policy["payload"]["ClientIdentifier"] = "{{client_token}}";
    const std::string inventory = R"({"devices": [{"id": "d-1", "platform": "iOS", "os_version": "17.1",
        "enrollment": "ade", "serial_number": "S1", "udid": "U1", "product_name": "iPhone15,2",
        "user_email": "a@example.com"}], "groups": [{"id": "g-sales", "devices": ["d-1"]}]})";
    ApiResult without = api_plan(inventory, array_of({policy}), "{}", "");
    auto doc = parse(without);
    EXPECT_EQ(without.status, ApiStatus::invalid_input) << without.json;
    EXPECT_TRUE(doc["actions"].empty());
    ASSERT_FALSE(doc["diagnostics"].empty());
    EXPECT_NE(doc["diagnostics"][0]["message"].get<std::string>().find("d-1"), std::string::npos);

    ApiResult with = api_plan(inventory, array_of({policy}), "{}",
                              R"({"client_token_secret": "s3cret", "identifier_prefix": "org.example"})");
    ASSERT_EQ(with.status, ApiStatus::ok) << with.json;
    auto action = parse(with)["actions"][0];
    EXPECT_EQ(action["action"], "install");
    EXPECT_EQ(action["payload_identifier"], "org.example.corp-acme");
    // Another secret changes the rendered content, hence the UUID: an update.
    nlohmann::json state = {{"devices", {{"d-1", {{"corp-acme", {{"payload_identifier", "org.example.corp-acme"},
                                                                 {"payload_uuid", action["payload_uuid"]}}}}}}}};
    ApiResult same = api_plan(inventory, array_of({policy}), state.dump(),
                              R"({"client_token_secret": "s3cret", "identifier_prefix": "org.example"})");
    EXPECT_TRUE(parse(same)["actions"].empty()) << same.json;
    ApiResult rotated = api_plan(inventory, array_of({policy}), state.dump(),
                                 R"({"client_token_secret": "rotated", "identifier_prefix": "org.example"})");
    EXPECT_EQ(parse(rotated)["actions"][0]["action"], "update") << rotated.json;
}

TEST(AssignApi, PlanRejectsABadStateWithPathsUnderState) {
    ApiResult r = api_plan(example("inventory.json"), array_of({corp()}), R"({"devices": {"d-1": 3}})", "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    auto doc = parse(r);
    EXPECT_TRUE(doc["actions"].empty());
    EXPECT_EQ(doc["diagnostics"][0]["path"], "/state/devices/d-1");
}

TEST(AssignApi, HostileInputsNeverFailInternally) {
    std::mt19937 rng(7);
    const std::string alphabet = "{}[]\":,0123456789abcdefnulltrue \\/\x01\xff";
    const std::string good_inventory = example("inventory.json");
    for (int round = 0; round < 300; ++round) {
        std::string noise;
        for (int i = static_cast<int>(rng() % 64); i > 0; --i) noise.push_back(alphabet[rng() % alphabet.size()]);
        std::string mutated = good_inventory;
        mutated[rng() % mutated.size()] = alphabet[rng() % alphabet.size()];
        for (const ApiResult& r : {api_resolve(noise, noise, ""), api_resolve(mutated, array_of({corp()}), ""),
                                   api_explain(mutated, noise, noise, ""), api_plan(mutated, array_of({corp()}), noise, "")}) {
            EXPECT_NE(r.status, ApiStatus::internal_error) << r.json;
            EXPECT_FALSE(nlohmann::json::parse(r.json, nullptr, false).is_discarded());
        }
    }
}

}  // namespace
}  // namespace acmepolicy
