// Rule 17 of policy validation: the renewal override, with its codes, paths and messages.
#include <gtest/gtest.h>

#include "acmepolicy/validate.hpp"
#include "lifecycle_fixtures.hpp"

namespace acmepolicy {
namespace {

std::vector<std::string> findings(const std::string& renewal) {
    const PolicyCheck check = test::check_text(test::policy_json(R"("renewal": )" + renewal));
    std::vector<std::string> out;
    for (const auto& d : check.report.diagnostics()) {
        if (d.code == "targets.none") continue;
        EXPECT_FALSE(d.message.empty());
        out.push_back(std::string(to_string(d.severity)) + " " + d.code + " " + d.path);
    }
    return out;
}

TEST(RenewalRule, ValidOverridesAreReadIntoThePolicy) {
    EXPECT_TRUE(findings(R"({"before_days": 30, "fraction": 0.5})").empty());
    EXPECT_TRUE(findings(R"({"before_days": 1})").empty());
    EXPECT_TRUE(findings(R"({"before_days": 365, "fraction": 0.99})").empty());
    EXPECT_TRUE(findings("null").empty());
    const PolicyCheck check = test::check_text(test::policy_json(R"("renewal": {"before_days": 14, "fraction": 0.3})"));
    ASSERT_TRUE(check.policy && check.policy->renewal);
    EXPECT_EQ(check.policy->renewal->before_days, 14);
    EXPECT_DOUBLE_EQ(check.policy->renewal->fraction.value(), 0.3);
    EXPECT_FALSE(test::check_text(test::policy_json()).policy->renewal.has_value());
}

TEST(RenewalRule, OutOfRangeValues) {
    using V = std::vector<std::string>;
    EXPECT_EQ(findings(R"({"before_days": 0})"), V{"error renewal.before_days /renewal/before_days"});
    EXPECT_EQ(findings(R"({"before_days": 366})"), V{"error renewal.before_days /renewal/before_days"});
    EXPECT_EQ(findings(R"({"before_days": -5})"), V{"error renewal.before_days /renewal/before_days"});
    EXPECT_EQ(findings(R"({"before_days": 18446744073709551615})"), V{"error renewal.before_days /renewal/before_days"});
    EXPECT_EQ(findings(R"({"fraction": 0})"), V{"error renewal.fraction /renewal/fraction"});
    EXPECT_EQ(findings(R"({"fraction": 1})"), V{"error renewal.fraction /renewal/fraction"});
    EXPECT_EQ(findings(R"({"fraction": 1.5, "before_days": 0})"),
              (V{"error renewal.before_days /renewal/before_days", "error renewal.fraction /renewal/fraction"}));
}

TEST(RenewalRule, ShapeAndTypes) {
    using V = std::vector<std::string>;
    EXPECT_EQ(findings("[30]"), V{"error document.wrong_type /renewal"});
    EXPECT_EQ(findings("30"), V{"error document.wrong_type /renewal"});
    EXPECT_EQ(findings(R"({"before_days": "30"})"), V{"error document.wrong_type /renewal/before_days"});
    EXPECT_EQ(findings(R"({"before_days": 30.5})"), V{"error document.wrong_type /renewal/before_days"});
    EXPECT_EQ(findings(R"({"fraction": "0.5"})"), V{"error document.wrong_type /renewal/fraction"});
    EXPECT_EQ(findings("{}"), V{"warning renewal.empty /renewal"});
    EXPECT_EQ(findings(R"({"days_before": 30, "before_days": 20})"), V{"error document.unknown_key /renewal/days_before"});
    const PolicyCheck check = test::check_text(test::policy_json(R"("renewal": {"beforeDays": 30})"));
    bool suggested = false;
    for (const auto& d : check.report.diagnostics())
        if (d.code == "document.unknown_key") suggested = d.message.find("before_days") != std::string::npos;
    EXPECT_TRUE(suggested);
    // A misspelt top-level key is still caught, with renewal among the known keys.
    const PolicyCheck top = test::check_text(test::policy_json(R"("renewl": {})"));
    EXPECT_TRUE(top.report.has_code("document.unknown_key"));
}

}  // namespace
}  // namespace acmepolicy
