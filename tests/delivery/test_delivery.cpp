// The delivery field (profile / declarative / auto): validation of the declarative form's limits, and the
// per-device choice between a profile and the declarative credential.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/delivery.hpp"
#include "acmepolicy/validate.hpp"

namespace acmepolicy {
namespace {

nlohmann::json policy_with(const char* delivery, int key_size = 256) {
    nlohmann::json p = {
        {"schema_version", 1},
        {"id", "corp-acme"},
        {"name", "Corporate ACME"},
        {"payload",
         {{"DirectoryURL", "https://acme.example.com/directory"},
          {"ClientIdentifier", "{{serial_number}}"},
          {"KeyType", "ECSECPrimeRandom"},
          {"KeySize", key_size},
          {"HardwareBound", key_size != 192},
          {"Subject", nlohmann::json::parse(R"([[["CN", "{{serial_number}}"]]])")}}},
        {"targets", {{"device_groups", {"g-sales"}}, {"devices", nlohmann::json::array()}}}};
    if (delivery) p["delivery"] = delivery;
    return p;
}

// The delivery.* codes of a check (other rules, such as keysize.ec_weak for P-192, are tested elsewhere).
std::vector<std::string> codes(const PolicyCheck& check) {
    std::vector<std::string> out;
    for (const auto& d : check.report.diagnostics())
        if (d.code.rfind("delivery.", 0) == 0) out.push_back(d.code);
    return out;
}

TEST(Delivery, DefaultIsProfileAndEachValueIsRead) {
    auto none = check_policy(std::string_view(policy_with(nullptr).dump()));
    ASSERT_TRUE(none.policy.has_value());
    EXPECT_EQ(none.policy->delivery, Delivery::profile);
    EXPECT_EQ(check_policy(std::string_view(policy_with("declarative").dump())).policy->delivery, Delivery::declarative);
    EXPECT_EQ(check_policy(std::string_view(policy_with("auto").dump())).policy->delivery, Delivery::automatic);
    EXPECT_STREQ(to_string(Delivery::automatic), "auto");
}

TEST(Delivery, UnknownValueIsAnErrorWithASuggestion) {
    auto check = check_policy(std::string_view(policy_with("ddm").dump()));
    ASSERT_EQ(codes(check), std::vector<std::string>{"delivery.unknown"});
    const auto& d = check.report.diagnostics()[0];
    EXPECT_EQ(d.path, "/delivery");
    EXPECT_NE(d.message.find("Did you mean \"declarative\""), std::string::npos) << d.message;
    EXPECT_FALSE(check.report.valid());
}

TEST(Delivery, P192IsRefusedOnlyWhenDeliveredDeclaratively) {
    auto profile = check_policy(std::string_view(policy_with("profile", 192).dump()));
    EXPECT_TRUE(profile.report.valid());
    EXPECT_TRUE(codes(profile).empty());
    for (const char* form : {"declarative", "auto"}) {
        auto check = check_policy(std::string_view(policy_with(form, 192).dump()));
        EXPECT_EQ(codes(check), std::vector<std::string>{"delivery.ddm_ec192"}) << form;
        EXPECT_FALSE(check.report.valid());
    }
}

TEST(Delivery, MacOSOnlyKeysWarn) {
    auto doc = policy_with("declarative");
    doc["payload"]["KeyIsExtractable"] = false;
    auto check = check_policy(std::string_view(doc.dump()));
    EXPECT_TRUE(check.report.valid());
    EXPECT_NE(std::find(codes(check).begin(), codes(check).end(), "delivery.ddm_macos_only_key"), codes(check).end());
}

DeviceRecord device(Platform platform, std::optional<std::string> os) {
    DeviceRecord d;
    d.id = "d-1";
    d.platform = platform;
    d.os_version = std::move(os);
    return d;
}

TEST(Delivery, AutoChoosesByPlatformMinimum) {
    Policy p;
    p.delivery = Delivery::automatic;
    EXPECT_TRUE(choose_delivery(p, device(Platform::iOS, "17.0")).declarative);
    EXPECT_TRUE(choose_delivery(p, device(Platform::iPadOS, "17.5.1")).declarative);
    EXPECT_FALSE(choose_delivery(p, device(Platform::iOS, "16.7.8")).declarative);
    EXPECT_FALSE(choose_delivery(p, device(Platform::iOS, std::nullopt)).declarative);
    EXPECT_TRUE(choose_delivery(p, device(Platform::macOS, "14.0")).declarative);
    EXPECT_FALSE(choose_delivery(p, device(Platform::macOS, "13.6")).declarative);
    EXPECT_FALSE(choose_delivery(p, device(Platform::visionOS, "1.0")).declarative);
    EXPECT_TRUE(choose_delivery(p, device(Platform::visionOS, "1.1")).declarative);
    EXPECT_FALSE(choose_delivery(p, device(Platform::watchOS, "9.6")).declarative);
    auto why = choose_delivery(p, device(Platform::iOS, "16.7.8")).reason;
    EXPECT_NE(why.find("below iOS 17.0"), std::string::npos) << why;
}

TEST(Delivery, FixedFormsIgnoreTheDevice) {
    Policy p;
    EXPECT_FALSE(choose_delivery(p, device(Platform::iOS, "18.0")).declarative);
    p.delivery = Delivery::declarative;
    EXPECT_TRUE(choose_delivery(p, device(Platform::iOS, "16.0")).declarative);
    EXPECT_TRUE(below_declarative_minimum(device(Platform::iOS, "16.0")));
    EXPECT_FALSE(below_declarative_minimum(device(Platform::iOS, "beta")));
}

}  // namespace
}  // namespace acmepolicy
