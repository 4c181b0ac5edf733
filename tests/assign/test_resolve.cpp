// Resolution: every exclusion reason, every warning, group semantics, precedence and the JSON shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/resolve.hpp"
#include "fixtures.hpp"

namespace acmepolicy {
namespace {

using testing::group;
using testing::inventory;
using testing::iphone;
using testing::make_policy;
using testing::valid;

/// The one resolved policy's JSON entry.
nlohmann::json resolve_one(const Inventory& inv, const PolicyCheck& check) {
    std::vector<PolicyCheck> policies{check};
    Resolution r = resolve(inv, policies);
    return to_json(inv, policies, r)["policies"][0];
}

/// The exclusion entry for `device`, or null.
nlohmann::json excluded(const nlohmann::json& entry, const std::string& device) {
    for (const auto& e : entry["excluded"])
        if (e["device"] == device) return e;
    return nullptr;
}
nlohmann::json included(const nlohmann::json& entry, const std::string& device) {
    for (const auto& e : entry["included"])
        if (e["device"] == device) return e;
    return nullptr;
}

TEST(Resolve, EligibleDevicesAreIncludedWithTheirRoute) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2")}, {group("g-sales", "Sales", {"d-1", "d-2"})});
    auto entry = resolve_one(inv, valid(make_policy("p", {"g-sales"}, {})));
    EXPECT_EQ(entry["id"], "p");
    EXPECT_EQ(entry["valid"], true);
    ASSERT_EQ(entry["included"].size(), 2u);
    EXPECT_EQ(entry["included"][0]["device"], "d-1");
    EXPECT_EQ(entry["included"][0]["via"], nlohmann::json::array({"group:g-sales"}));
    EXPECT_TRUE(entry["included"][0]["warnings"].empty());
    EXPECT_EQ(entry["counts"]["included"], 2);
    EXPECT_EQ(entry["counts"]["excluded"], 0);
}

TEST(Resolve, PolicyInvalidExcludesEveryCandidate) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2")}, {group("g", "G", {"d-1"})});
    PolicyCheck check = valid(make_policy("p", {"g"}, {"d-2"}));
    check.report.error("policy.key_size", "/payload/KeySize", "KeySize 128 is not allowed.");
    auto entry = resolve_one(inv, check);
    EXPECT_EQ(entry["valid"], false);
    EXPECT_TRUE(entry["included"].empty());
    ASSERT_EQ(entry["excluded"].size(), 2u);
    for (const auto& e : entry["excluded"]) EXPECT_EQ(e["reason"], "policy_invalid");
    EXPECT_EQ(entry["counts"]["policy_invalid"], 2);
    ASSERT_EQ(entry["diagnostics"].size(), 1u);
    EXPECT_EQ(entry["diagnostics"][0]["code"], "resolve.policy_invalid");
    EXPECT_NE(entry["diagnostics"][0]["message"].get<std::string>().find("KeySize 128"), std::string::npos);
}

TEST(Resolve, UnreadablePolicyHasNoCandidates) {
    Inventory inv = inventory({iphone("d-1")});
    PolicyCheck check;
    check.report.error("json.syntax", "", "Invalid JSON at line 1, column 1.");
    auto entry = resolve_one(inv, check);
    EXPECT_EQ(entry["valid"], false);
    EXPECT_EQ(entry["id"], "");
    EXPECT_TRUE(entry["excluded"].empty());
    EXPECT_EQ(entry["diagnostics"][0]["code"], "resolve.policy_invalid");
}

TEST(Resolve, MixedOsGroupKeepsOnlyIosAndIpados) {
    DeviceRecord ipad = iphone("d-ipad");
    ipad.platform = Platform::iPadOS;
    ipad.product_name = "iPad13,18";
    DeviceRecord mac = iphone("d-mac");
    mac.platform = Platform::macOS;
    mac.os_version = "14.2";
    DeviceRecord tv = iphone("d-tv");
    tv.platform = Platform::tvOS;
    DeviceRecord unknown = iphone("d-unknown");
    unknown.platform.reset();
    Inventory inv = inventory({iphone("d-iphone"), ipad, mac, tv, unknown},
                              {group("g-mixed", "Mixed", {"d-iphone", "d-ipad", "d-mac", "d-tv", "d-unknown"})});
    auto entry = resolve_one(inv, valid(make_policy("p", {"g-mixed"}, {})));
    EXPECT_EQ(entry["counts"]["included"], 2);
    EXPECT_FALSE(included(entry, "d-iphone").is_null());
    EXPECT_FALSE(included(entry, "d-ipad").is_null());
    EXPECT_EQ(excluded(entry, "d-mac")["reason"], "platform_unsupported");
    EXPECT_EQ(excluded(entry, "d-mac")["message"], "macOS: this policy applies to iOS/iPadOS only");
    EXPECT_EQ(excluded(entry, "d-tv")["reason"], "platform_unsupported");
    EXPECT_EQ(excluded(entry, "d-unknown")["reason"], "platform_unsupported");
    EXPECT_EQ(entry["counts"]["platform_unsupported"], 3);
}

TEST(Resolve, OsVersionBelowSixteenIsTooOldAndGarbageIsUnknown) {
    DeviceRecord old = iphone("d-old");
    old.os_version = "15.7";
    DeviceRecord ipad_old = iphone("d-ipad-old");
    ipad_old.platform = Platform::iPadOS;
    ipad_old.os_version = "15.99.1";
    DeviceRecord garbage = iphone("d-garbage");
    garbage.os_version = "sixteen";
    DeviceRecord missing = iphone("d-missing");
    missing.os_version.reset();
    DeviceRecord exact = iphone("d-exact");
    exact.os_version = "16";
    DeviceRecord ten = iphone("d-ten");
    ten.os_version = "16.10";
    Inventory inv = inventory({old, ipad_old, garbage, missing, exact, ten});
    auto entry = resolve_one(inv, valid(make_policy("p", {}, {"d-old", "d-ipad-old", "d-garbage", "d-missing",
                                                              "d-exact", "d-ten"})));
    EXPECT_EQ(excluded(entry, "d-old")["reason"], "os_too_old");
    EXPECT_EQ(excluded(entry, "d-old")["message"], "iOS 15.7 is older than 16.0");
    EXPECT_EQ(excluded(entry, "d-ipad-old")["message"], "iPadOS 15.99.1 is older than 16.0");
    EXPECT_EQ(excluded(entry, "d-garbage")["reason"], "os_unknown");
    EXPECT_NE(excluded(entry, "d-garbage")["message"].get<std::string>().find("sixteen"), std::string::npos);
    EXPECT_EQ(excluded(entry, "d-missing")["reason"], "os_unknown");
    EXPECT_FALSE(included(entry, "d-exact").is_null());
    EXPECT_FALSE(included(entry, "d-ten").is_null());
    EXPECT_EQ(entry["counts"]["os_too_old"], 2);
    EXPECT_EQ(entry["counts"]["os_unknown"], 2);
}

TEST(Resolve, UnenrolledOrUnknownEnrollmentIsNotEnrolled) {
    DeviceRecord none = iphone("d-none");
    none.enrollment = Enrollment::none;
    DeviceRecord missing = iphone("d-missing");
    missing.enrollment.reset();
    DeviceRecord device_enrolled = iphone("d-device");
    device_enrolled.enrollment = Enrollment::device;
    Inventory inv = inventory({none, missing, device_enrolled});
    auto entry = resolve_one(inv, valid(make_policy("p", {}, {"d-none", "d-missing", "d-device"})));
    EXPECT_EQ(excluded(entry, "d-none")["reason"], "not_enrolled");
    EXPECT_EQ(excluded(entry, "d-missing")["reason"], "not_enrolled");
    EXPECT_FALSE(included(entry, "d-device").is_null());
}

TEST(Resolve, UserEnrollmentLacksSerialAndUdidEvenWhenRecorded) {
    DeviceRecord ue = iphone("d-ue");  // the record carries a serial and UDID; Apple withholds both
    ue.enrollment = Enrollment::user;
    ue.enrollment_id = "ENR-1";
    Inventory inv = inventory({ue});
    auto by_udid = resolve_one(inv, valid(make_policy("p", {}, {"d-ue"}, "{{udid}}")));
    EXPECT_EQ(excluded(by_udid, "d-ue")["reason"], "variable_unavailable");
    EXPECT_EQ(excluded(by_udid, "d-ue")["message"],
              "the policy uses {{udid}}, which User Enrollment devices do not have");
    auto by_enrollment_id = resolve_one(inv, valid(make_policy("p", {}, {"d-ue"}, "{{enrollment_id}}")));
    EXPECT_FALSE(included(by_enrollment_id, "d-ue").is_null());
}

TEST(Resolve, VariableMissingFromTheRecordIsUnavailable) {
    DeviceRecord d = iphone("d-1");
    Policy policy = make_policy("p", {}, {"d-1"});
    policy.payload.subject_alt_name = SubjectAltName{std::string("{{user_email}}"), std::nullopt, std::nullopt,
                                                     std::nullopt};
    auto entry = resolve_one(inventory({d}), valid(policy));
    EXPECT_EQ(excluded(entry, "d-1")["reason"], "variable_unavailable");
    EXPECT_EQ(excluded(entry, "d-1")["message"], "the policy uses {{user_email}}, which this device record lacks");
    d.user_email = "ana@example.com";
    entry = resolve_one(inventory({d}), valid(policy));
    EXPECT_FALSE(included(entry, "d-1").is_null());
}

TEST(Resolve, StepCaWithUserEnrollmentIsIncompatible) {
    DeviceRecord ue = iphone("d-ue");
    ue.enrollment = Enrollment::user;
    ue.enrollment_id = "ENR-1";
    Policy policy = make_policy("p", {}, {"d-ue", "d-ade"}, "{{serial_number}}");
    policy.server_profile = ServerProfile::step_ca;
    DeviceRecord ade = iphone("d-ade");
    auto entry = resolve_one(inventory({ue, ade}), valid(policy));
    EXPECT_EQ(excluded(entry, "d-ue")["reason"], "server_profile_incompatible");
    EXPECT_NE(excluded(entry, "d-ue")["message"].get<std::string>().find("step-ca"), std::string::npos);
    EXPECT_FALSE(included(entry, "d-ade").is_null());
}

TEST(Resolve, ExactlyOnePrimaryReasonByPrecedence) {
    // A macOS 12 device, unenrolled, lacking every variable: platform comes first.
    DeviceRecord worst;
    worst.id = "d-worst";
    worst.platform = Platform::macOS;
    worst.os_version = "12.0";
    worst.enrollment = Enrollment::none;
    // iOS 15, unenrolled: the OS comes before enrollment.
    DeviceRecord old = iphone("d-old");
    old.os_version = "15.1";
    old.enrollment = Enrollment::none;
    // Unenrolled and lacking the serial: enrollment comes before variables.
    DeviceRecord unenrolled = iphone("d-unenrolled");
    unenrolled.enrollment = Enrollment::none;
    unenrolled.serial_number.reset();
    // User Enrollment under step-ca with {{serial_number}}: the server profile comes before the variable
    // (the variable is missing *because* of the enrollment type step-ca cannot serve).
    DeviceRecord ue = iphone("d-ue");
    ue.enrollment = Enrollment::user;
    // Enrolled through ADE but with no serial in the record: a plain missing variable.
    DeviceRecord no_serial = iphone("d-no-serial");
    no_serial.serial_number.reset();
    Policy policy =
        make_policy("p", {}, {"d-worst", "d-old", "d-unenrolled", "d-ue", "d-no-serial"}, "{{serial_number}}");
    policy.server_profile = ServerProfile::step_ca;
    auto entry = resolve_one(inventory({worst, old, unenrolled, ue, no_serial}), valid(policy));
    EXPECT_EQ(excluded(entry, "d-worst")["reason"], "platform_unsupported");
    EXPECT_EQ(excluded(entry, "d-old")["reason"], "os_too_old");
    EXPECT_EQ(excluded(entry, "d-unenrolled")["reason"], "not_enrolled");
    EXPECT_EQ(excluded(entry, "d-ue")["reason"], "server_profile_incompatible");
    EXPECT_EQ(excluded(entry, "d-no-serial")["reason"], "variable_unavailable");
    EXPECT_EQ(entry["excluded"].size(), 5u);  // one entry each: never two reasons for a device

    // And an invalid policy outranks everything.
    PolicyCheck invalid = valid(policy);
    invalid.report.error("x.y", "", "broken");
    entry = resolve_one(inventory({worst, old, unenrolled, ue, no_serial}), invalid);
    for (const auto& e : entry["excluded"]) EXPECT_EQ(e["reason"], "policy_invalid");
}

TEST(Resolve, OverlappingGroupsAndDirectTargetCountOnce) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2"), iphone("d-3")},
                              {group("g-a", "Alpha", {"d-1", "d-2"}), group("g-b", "Beta", {"d-2", "d-3"})});
    auto entry = resolve_one(inv, valid(make_policy("p", {"g-b", "g-a", "g-a"}, {"d-2", "d-2"})));
    ASSERT_EQ(entry["included"].size(), 3u);
    EXPECT_EQ(entry["counts"]["included"], 3);
    EXPECT_EQ(included(entry, "d-2")["via"], nlohmann::json::array({"group:g-a", "group:g-b", "device"}));
    EXPECT_EQ(included(entry, "d-1")["via"], nlohmann::json::array({"group:g-a"}));
    EXPECT_EQ(included(entry, "d-3")["via"], nlohmann::json::array({"group:g-b"}));
}

TEST(Resolve, UnknownTargetsWarnOnThePolicy) {
    Inventory inv = inventory({iphone("d-1")}, {group("g", "G", {"d-1"})});
    auto entry = resolve_one(inv, valid(make_policy("p", {"g", "g-ghost"}, {"d-ghost"})));
    ASSERT_EQ(entry["diagnostics"].size(), 2u);
    EXPECT_EQ(entry["diagnostics"][0]["code"], "resolve.unknown_group");
    EXPECT_EQ(entry["diagnostics"][0]["path"], "/targets/device_groups/1");
    EXPECT_EQ(entry["diagnostics"][0]["severity"], "warning");
    EXPECT_EQ(entry["diagnostics"][1]["code"], "resolve.unknown_device");
    EXPECT_EQ(entry["diagnostics"][1]["path"], "/targets/devices/0");
    EXPECT_EQ(entry["valid"], true);
    EXPECT_EQ(entry["counts"]["included"], 1);
}

TEST(Resolve, AttestationWarningForPreA11Hardware) {
    DeviceRecord ipad = iphone("d-ipad");
    ipad.platform = Platform::iPadOS;
    ipad.product_name = "iPad6,11";
    DeviceRecord ipod = iphone("d-ipod");
    ipod.product_name = "iPod9,1";
    ipod.os_version = "16.0";  // hypothetical: the rule is about the chip, not the OS
    DeviceRecord modern = iphone("d-modern");
    DeviceRecord unknown = iphone("d-unknown");
    unknown.product_name = "iPhone99";
    DeviceRecord no_product = iphone("d-noproduct");
    no_product.product_name.reset();
    Policy policy = make_policy("p", {}, {"d-ipad", "d-ipod", "d-modern", "d-unknown", "d-noproduct"});
    policy.payload.attest = true;
    Inventory inv = inventory({ipad, ipod, modern, unknown, no_product});
    auto entry = resolve_one(inv, valid(policy));
    ASSERT_EQ(entry["counts"]["included"], 5);
    auto w = included(entry, "d-ipad")["warnings"];
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0]["code"], "attestation_unsupported");
    EXPECT_EQ(w[0]["severity"], "warning");
    EXPECT_EQ(w[0]["message"].get<std::string>().rfind("iPad6,11 cannot attest: Attest is ignored on A10X and earlier", 0),
              0u);
    EXPECT_EQ(included(entry, "d-ipod")["warnings"][0]["severity"], "warning");
    EXPECT_TRUE(included(entry, "d-modern")["warnings"].empty());
    EXPECT_EQ(included(entry, "d-unknown")["warnings"][0]["severity"], "info");
    EXPECT_EQ(included(entry, "d-unknown")["warnings"][0]["code"], "attestation_unsupported");
    EXPECT_EQ(included(entry, "d-noproduct")["warnings"][0]["severity"], "info");

    policy.payload.attest = false;  // without Attest the chip does not matter
    entry = resolve_one(inv, valid(policy));
    EXPECT_TRUE(included(entry, "d-ipad")["warnings"].empty());
}

TEST(Resolve, ClientIdentifierCollisionsAreFoundForEveryParty) {
    DeviceRecord a = iphone("d-a");
    DeviceRecord b = iphone("d-b");
    DeviceRecord c = iphone("d-c");
    DeviceRecord d = iphone("d-d");
    a.serial_number = b.serial_number = c.serial_number = "SAME";  // e.g. a refurbished device re-imported
    Policy policy = make_policy("p", {}, {"d-a", "d-b", "d-c", "d-d"}, "acme-{{serial_number}}");
    auto entry = resolve_one(inventory({a, b, c, d}), valid(policy));
    for (const char* id : {"d-a", "d-b", "d-c"}) {
        auto w = included(entry, id)["warnings"];
        ASSERT_EQ(w.size(), 1u) << id;
        EXPECT_EQ(w[0]["code"], "client_identifier_collision");
        EXPECT_NE(w[0]["message"].get<std::string>().find("acme-SAME"), std::string::npos);
    }
    EXPECT_NE(included(entry, "d-a")["warnings"][0]["message"].get<std::string>().find("d-b"), std::string::npos);
    EXPECT_NE(included(entry, "d-c")["warnings"][0]["message"].get<std::string>().find("d-a"), std::string::npos);
    EXPECT_TRUE(included(entry, "d-d")["warnings"].empty());

    // A fixed ClientIdentifier collides on every device; {{client_token}} never does.
    entry = resolve_one(inventory({iphone("d-1"), iphone("d-2")}), valid(make_policy("p", {}, {"d-1", "d-2"}, "fixed")));
    EXPECT_EQ(included(entry, "d-1")["warnings"][0]["code"], "client_identifier_collision");
    EXPECT_EQ(included(entry, "d-2")["warnings"][0]["code"], "client_identifier_collision");
    entry = resolve_one(inventory({iphone("d-1"), iphone("d-2")}),
                        valid(make_policy("p", {}, {"d-1", "d-2"}, "{{client_token}}")));
    EXPECT_TRUE(included(entry, "d-1")["warnings"].empty());
}

TEST(Resolve, ExcludedDevicesTakeNoPartInCollisions) {
    DeviceRecord a = iphone("d-a");
    DeviceRecord b = iphone("d-b");
    b.serial_number = a.serial_number;
    b.os_version = "15.0";
    auto entry = resolve_one(inventory({a, b}), valid(make_policy("p", {}, {"d-a", "d-b"}, "{{serial_number}}")));
    EXPECT_TRUE(included(entry, "d-a")["warnings"].empty());
}

TEST(Resolve, OrderIsPolicyIdThenDeviceIdWhateverTheInputOrder) {
    Inventory inv = inventory({iphone("d-9"), iphone("d-10"), iphone("d-1")}, {group("g", "G", {"d-9", "d-1", "d-10"})});
    std::vector<PolicyCheck> policies{valid(make_policy("zeta", {"g"}, {})), valid(make_policy("alpha", {"g"}, {}))};
    Resolution r = resolve(inv, policies);
    auto json = to_json(inv, policies, r);
    EXPECT_EQ(json["policies"][0]["id"], "alpha");
    EXPECT_EQ(json["policies"][1]["id"], "zeta");
    std::vector<std::string> ids;
    for (const auto& e : json["policies"][0]["included"]) ids.push_back(e["device"]);
    EXPECT_EQ(ids, (std::vector<std::string>{"d-1", "d-10", "d-9"}));
    // Same inputs, same bytes.
    EXPECT_EQ(json.dump(), to_json(inv, policies, resolve(inv, policies)).dump());
}

TEST(Resolve, ADeviceMayReceiveSeveralPolicies) {
    Inventory inv = inventory({iphone("d-1")});
    std::vector<PolicyCheck> policies{valid(make_policy("wifi", {}, {"d-1"})), valid(make_policy("vpn", {}, {"d-1"}))};
    Resolution r = resolve(inv, policies);
    ASSERT_EQ(r.policies.size(), 2u);
    EXPECT_EQ(r.policies[0].included.size(), 1u);
    EXPECT_EQ(r.policies[1].included.size(), 1u);
}

TEST(Resolve, CountsCoverEveryReason) {
    auto entry = resolve_one(inventory({iphone("d-1")}), valid(make_policy("p", {}, {"d-1"})));
    for (const char* key : {"included", "excluded", "policy_invalid", "platform_unsupported", "os_too_old",
                            "os_unknown", "not_enrolled", "variable_unavailable", "server_profile_incompatible"})
        EXPECT_TRUE(entry["counts"].contains(key)) << key;
}

TEST(Explain, SaysHowADeviceIsIncluded) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2"), iphone("d-3"), iphone("d-4")},
                              {group("g-sales", "Sales", {"d-1", "d-2"}), group("g-field", "Field Team", {"d-2"}),
                               group("g-noname", "", {"d-4"})});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {"g-sales", "g-field", "g-noname"}, {"d-2", "d-3"}))};
    Resolution r = resolve(inv, policies);
    auto message = [&](const char* id) { return explain(inv, policies, r, 0, *inv.find_device(id)).message; };
    EXPECT_EQ(message("d-1"), "included through group Sales");
    EXPECT_EQ(message("d-2"), "included directly and through groups Field Team and Sales");
    EXPECT_EQ(message("d-3"), "included directly");
    EXPECT_EQ(message("d-4"), "included through group g-noname");
}

TEST(Explain, SaysWhyADeviceIsExcludedOrNotTargeted) {
    DeviceRecord old = iphone("d-old");
    old.os_version = "15.7";
    Inventory inv = inventory({old, iphone("d-other")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-old"}))};
    Resolution r = resolve(inv, policies);
    Explanation e = explain(inv, policies, r, 0, *inv.find_device("d-old"));
    EXPECT_FALSE(e.included);
    EXPECT_EQ(e.reason, "os_too_old");
    EXPECT_EQ(e.message, "excluded: iOS 15.7 is older than 16.0");
    auto json = to_json(e, "p", "d-old");
    EXPECT_EQ(json["reason"], "os_too_old");
    EXPECT_EQ(json["included"], false);

    e = explain(inv, policies, r, 0, *inv.find_device("d-other"));
    EXPECT_EQ(e.reason, "not_targeted");
    EXPECT_FALSE(e.included);
}

TEST(Explain, CarriesTheWarnings) {
    DeviceRecord ipad = iphone("d-ipad");
    ipad.platform = Platform::iPadOS;
    ipad.product_name = "iPad7,5";
    Policy policy = make_policy("p", {}, {"d-ipad"});
    policy.payload.attest = true;
    Inventory inv = inventory({ipad});
    std::vector<PolicyCheck> policies{valid(policy)};
    Resolution r = resolve(inv, policies);
    Explanation e = explain(inv, policies, r, 0, 0);
    EXPECT_TRUE(e.included);
    EXPECT_FALSE(e.reason.has_value());
    ASSERT_EQ(e.warnings.size(), 1u);
    EXPECT_EQ(e.warnings[0].code, "attestation_unsupported");
    auto json = to_json(e, "p", "d-ipad");
    EXPECT_FALSE(json.contains("reason"));
    EXPECT_EQ(json["warnings"][0]["severity"], "warning");
}

}  // namespace
}  // namespace acmepolicy
