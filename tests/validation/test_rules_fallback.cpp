// Rule 17, fallback: its shape, what one document can say about it, and the set-level rules (the target
// exists, no cycles, valid, not stricter on the axis of a listed condition).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/validate.hpp"
#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;
using testing::check_changed;
using testing::find;
using testing::good_policy;

PolicyCheck with_fallback(const json& fallback) {
    return check_changed([&](json& d) { d["fallback"] = fallback; });
}

TEST(ValidationFallback, AWellFormedFallbackIsReadIntoThePolicy) {
    PolicyCheck check = with_fallback({{"policy", "corp-basic"}, {"when", {"attestation_unsupported", "user_enrollment"}}});
    EXPECT_TRUE(check.report.empty()) << to_json(check.report).dump();
    ASSERT_TRUE(check.policy && check.policy->fallback);
    EXPECT_EQ(check.policy->fallback->policy, "corp-basic");
    EXPECT_EQ(check.policy->fallback->when, (std::vector<std::string>{"attestation_unsupported", "user_enrollment"}));
    EXPECT_FALSE(check_changed([](json&) {}).policy->fallback.has_value());
}

TEST(ValidationFallback, ShapeErrorsUseTheDocumentCodes) {
    PolicyCheck check = with_fallback("corp-basic");
    EXPECT_NE(find(check.report, "document.wrong_type", "/fallback"), nullptr);
    EXPECT_FALSE(check.policy.has_value());  // a wrong type makes the model incomplete, as everywhere

    check = with_fallback({{"policy_id", "corp-basic"}, {"when", {"os_too_old"}}});
    const Diagnostic* unknown = find(check.report, "document.unknown_key", "/fallback/policy_id");
    ASSERT_NE(unknown, nullptr);
    EXPECT_NE(unknown->message.find("Did you mean \"policy\"?"), std::string::npos) << unknown->message;
    EXPECT_NE(find(check.report, "document.missing_key", "/fallback/policy"), nullptr);

    check = with_fallback({{"policy", 7}, {"when", "os_too_old"}});
    EXPECT_NE(find(check.report, "document.wrong_type", "/fallback/policy"), nullptr);
    EXPECT_NE(find(check.report, "document.wrong_type", "/fallback/when"), nullptr);

    check = with_fallback({{"policy", "corp-basic"}, {"when", {"os_too_old", 3}}});
    EXPECT_NE(find(check.report, "document.wrong_type", "/fallback/when/1"), nullptr);
    check = with_fallback({{"policy", "corp-basic"}});
    EXPECT_NE(find(check.report, "document.missing_key", "/fallback/when"), nullptr);
}

TEST(ValidationFallback, DocumentRulesHaveCodesPathsAndFixes) {
    PolicyCheck check = with_fallback({{"policy", "Corp Basic"}, {"when", {"attestation_unsupported"}}});
    const Diagnostic* id = find(check.report, "fallback.policy_id", "/fallback/policy");
    ASSERT_NE(id, nullptr);
    EXPECT_NE(id->message.find("\"corp-basic\""), std::string::npos) << id->message;

    check = with_fallback({{"policy", "corp-acme"}, {"when", {"attestation_unsupported"}}});
    EXPECT_NE(find(check.report, "fallback.cycle", "/fallback/policy"), nullptr);

    check = with_fallback({{"policy", "corp-basic"}, {"when", json::array()}});
    EXPECT_NE(find(check.report, "fallback.when_empty", "/fallback/when"), nullptr);

    check = with_fallback({{"policy", "corp-basic"}, {"when", {"attestation_unsuported", "policy_invalid", "not_enrolled"}}});
    const Diagnostic* typo = find(check.report, "fallback.when_unknown", "/fallback/when/0");
    ASSERT_NE(typo, nullptr);
    EXPECT_NE(typo->message.find("Did you mean \"attestation_unsupported\"?"), std::string::npos) << typo->message;
    const Diagnostic* invalid = find(check.report, "fallback.when_unknown", "/fallback/when/1");
    ASSERT_NE(invalid, nullptr);
    EXPECT_NE(invalid->message.find("keeps what its devices have installed"), std::string::npos) << invalid->message;
    EXPECT_NE(find(check.report, "fallback.when_unknown", "/fallback/when/2"), nullptr);
    EXPECT_FALSE(check.report.valid());

    check = with_fallback({{"policy", "corp-basic"}, {"when", {"user_enrollment", "user_enrollment"}}});
    const Diagnostic* repeat = find(check.report, "fallback.when_duplicate", "/fallback/when/1");
    ASSERT_NE(repeat, nullptr);
    EXPECT_EQ(repeat->severity, Severity::warning);
    EXPECT_TRUE(check.report.valid());
}

TEST(ValidationFallback, ConditionsThatCanNeverHoldAreInfo) {
    // The good policy: generic, Attest true, uses serial_number, udid and user_email.
    auto no_effect = [](const std::function<void(json&)>& change, const char* condition) {
        PolicyCheck check = check_changed([&](json& d) {
            change(d);
            d["fallback"] = {{"policy", "corp-basic"}, {"when", {condition}}};
        });
        const Diagnostic* d = find(check.report, "fallback.when_no_effect", "/fallback/when/0");
        return d && d->severity == Severity::info && check.report.valid();
    };
    auto nothing = [](json&) {};
    EXPECT_TRUE(no_effect(nothing, "os_too_old"));
    EXPECT_TRUE(no_effect(nothing, "server_profile_incompatible"));  // not step-ca
    EXPECT_FALSE(no_effect(nothing, "attestation_unsupported"));
    EXPECT_FALSE(no_effect(nothing, "user_enrollment"));  // it uses {{serial_number}}
    EXPECT_FALSE(no_effect(nothing, "variable_unavailable"));
    EXPECT_TRUE(no_effect([](json& d) { d["payload"]["Attest"] = false; }, "attestation_unsupported"));
    auto device_id_only = [](json& d) {
        d["payload"]["ClientIdentifier"] = "{{device_id}}";
        d["payload"]["Subject"] = json::parse(R"([[["CN", "{{device_id}}"]]])");
        d["payload"].erase("SubjectAltName");
    };
    EXPECT_TRUE(no_effect(device_id_only, "variable_unavailable"));
    EXPECT_TRUE(no_effect(device_id_only, "user_enrollment"));
}

TEST(ValidationFallback, FindingsComeAfterTargets) {
    PolicyCheck check = check_changed([](json& d) {
        d["targets"]["devices"] = {"d-1", "d-1"};
        d["fallback"] = {{"policy", "corp-basic"}, {"when", json::array()}};
        d["zzz"] = 1;
    });
    std::vector<std::string> paths;
    for (const auto& d : check.report.diagnostics()) paths.push_back(d.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"/targets/devices/1", "/fallback/when", "/zzz"}));
}

// --- Across a set ---

json primary(const std::string& target, std::vector<std::string> when) {
    json d = good_policy();
    d["id"] = "primary";
    d["name"] = "Primary";
    d["fallback"] = {{"policy", target}, {"when", when}};
    return d;
}

/// A fallback no condition finds stricter: generic, no Attest, only {{device_id}}.
json basic(const std::string& id) {
    json d = good_policy();
    d["id"] = id;
    d["name"] = "Basic " + id;
    d["payload"]["Attest"] = false;
    d["payload"]["ClientIdentifier"] = "{{device_id}}";
    d["payload"]["Subject"] = json::parse(R"([[["CN", "{{device_id}}"]]])");
    d["payload"].erase("SubjectAltName");
    return d;
}

Report set_of(const std::vector<json>& documents) {
    std::vector<PolicyCheck> checks;
    for (const auto& d : documents) checks.push_back(check_policy(std::string_view(d.dump())));
    return check_policy_set(checks);
}

TEST(ValidationFallbackSet, AGoodFallbackPasses) {
    Report report = set_of({primary("basic", {"attestation_unsupported", "user_enrollment", "variable_unavailable"}),
                            basic("basic")});
    EXPECT_TRUE(report.empty()) << to_json(report).dump();
}

TEST(ValidationFallbackSet, TheTargetMustBeInTheSet) {
    Report report = set_of({primary("basc", {"attestation_unsupported"}), basic("basic")});
    const Diagnostic* d = find(report, "fallback.policy_unknown", "/0/fallback/policy");
    ASSERT_NE(d, nullptr) << to_json(report).dump();
    EXPECT_NE(d->message.find("Did you mean \"basic\"?"), std::string::npos) << d->message;
}

TEST(ValidationFallbackSet, CyclesAreRefusedOnEveryMemberAndWhatLeadsIntoThemIsInvalid) {
    json a = basic("a"), b = basic("b"), c = basic("c");
    a["fallback"] = {{"policy", "b"}, {"when", {"variable_unavailable"}}};
    b["fallback"] = {{"policy", "a"}, {"when", {"variable_unavailable"}}};
    c["fallback"] = {{"policy", "a"}, {"when", {"variable_unavailable"}}};
    Report report = set_of({a, b, c});
    const Diagnostic* cycle = find(report, "fallback.cycle", "/0/fallback/policy");
    ASSERT_NE(cycle, nullptr) << to_json(report).dump();
    EXPECT_NE(cycle->message.find("a → b → a"), std::string::npos) << cycle->message;
    EXPECT_NE(find(report, "fallback.cycle", "/1/fallback/policy"), nullptr);
    EXPECT_NE(find(report, "fallback.target_invalid", "/2/fallback/policy"), nullptr);
}

TEST(ValidationFallbackSet, AFallbackThatStillRequiresAttestIsStricter) {
    json target = basic("basic");
    target["payload"]["Attest"] = true;
    Report report = set_of({primary("basic", {"attestation_unsupported"}), target});
    const Diagnostic* d = find(report, "fallback.stricter", "/0/fallback/when/0");
    ASSERT_NE(d, nullptr) << to_json(report).dump();
    EXPECT_EQ(d->severity, Severity::error);
    EXPECT_NE(d->message.find("set Attest to false in \"basic\""), std::string::npos) << d->message;

    json step_ca = basic("basic");
    step_ca["server_profile"] = "step-ca";
    step_ca["payload"]["Attest"] = true;
    step_ca["payload"]["ClientIdentifier"] = "{{serial_number}}";
    step_ca["payload"]["Subject"] = json::parse(R"([[["CN", "{{serial_number}}"]]])");
    report = set_of({primary("basic", {"attestation_unsupported", "user_enrollment"}), step_ca});
    d = find(report, "fallback.stricter", "/0/fallback/when/0");
    ASSERT_NE(d, nullptr) << to_json(report).dump();
    EXPECT_NE(d->message.find("step-ca always needs attestation"), std::string::npos) << d->message;
    EXPECT_NE(find(report, "fallback.stricter", "/0/fallback/when/1"), nullptr);  // step-ca refuses User Enrollment
}

TEST(ValidationFallbackSet, UserEnrollmentAndVariableAxes) {
    json serial = basic("basic");
    serial["payload"]["ClientIdentifier"] = "{{serial_number}}";
    Report report = set_of({primary("basic", {"user_enrollment"}), serial});
    const Diagnostic* d = find(report, "fallback.stricter", "/0/fallback/when/0");
    ASSERT_NE(d, nullptr) << to_json(report).dump();
    EXPECT_NE(d->message.find("{{serial_number}}"), std::string::npos) << d->message;

    // The primary uses serial_number, udid and user_email: a fallback with device_name needs another one.
    json other = basic("basic");
    other["payload"]["Subject"] = json::parse(R"([[["CN", "{{device_name}}"]]])");
    report = set_of({primary("basic", {"variable_unavailable"}), other});
    d = find(report, "fallback.stricter", "/0/fallback/when/0");
    ASSERT_NE(d, nullptr) << to_json(report).dump();
    EXPECT_NE(d->message.find("{{device_name}}"), std::string::npos) << d->message;

    json same = good_policy();  // exactly the primary's variables
    same["id"] = "basic";
    same["name"] = "Same variables";
    same["payload"]["Attest"] = false;
    report = set_of({primary("basic", {"variable_unavailable"}), same});
    EXPECT_NE(find(report, "fallback.stricter", "/0/fallback/when/0"), nullptr) << to_json(report).dump();

    json fewer = same;
    fewer["payload"].erase("SubjectAltName");  // serial_number only
    report = set_of({primary("basic", {"variable_unavailable"}), fewer});
    EXPECT_TRUE(report.empty()) << to_json(report).dump();
}

TEST(ValidationFallbackSet, AnInvalidFallbackMakesTheWholeChainInvalid) {
    json a = primary("b", {"variable_unavailable"});
    json b = basic("b");
    b["fallback"] = {{"policy", "c"}, {"when", {"attestation_unsupported"}}};
    b["payload"]["Attest"] = true;  // b itself has to fall back for attestation
    b["payload"]["ClientIdentifier"] = "{{serial_number}}";
    json c = basic("c");
    c["payload"]["KeySize"] = 512;  // invalid
    Report report = set_of({a, b, c});
    const Diagnostic* first = find(report, "fallback.target_invalid", "/1/fallback/policy");
    ASSERT_NE(first, nullptr) << to_json(report).dump();
    EXPECT_NE(first->message.find("KeySize 512"), std::string::npos) << first->message;
    EXPECT_NE(find(report, "fallback.target_invalid", "/0/fallback/policy"), nullptr) << to_json(report).dump();
}

}  // namespace
}  // namespace acmepolicy
