// The renewal decision: every boundary of the rule (exactly 30 days, short validity, expiry), the
// minimum interval, clock skew, the policy override and the deterministic jitter.
#include <set>

#include <gtest/gtest.h>

#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/validate.hpp"
#include "lifecycle_fixtures.hpp"

namespace acmepolicy {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kNow = 1795000000;  // 2026-11-18T...

RenewalOptions at(std::int64_t now, std::int64_t spread = 0) {
    RenewalOptions o;
    o.now = now;
    o.spread_seconds = spread;
    return o;
}

// A certificate valid for `validity` seconds that has `remaining` seconds left at kNow.
CertificateValidity cert(std::int64_t validity, std::int64_t remaining) {
    return {kNow + remaining - validity, kNow + remaining};
}

RenewalDecision decide(const CertificateValidity& c, const RenewalRule& rule = {},
                       std::optional<std::int64_t> last = std::nullopt, std::int64_t now = kNow) {
    return decide_renewal(c, rule, last, "d-0042", at(now));
}

TEST(Renewal, ExactlyThirtyDaysLeftIsNotYetDueOneSecondLessIs) {
    const RenewalDecision at_30 = decide(cert(90 * kDay, 30 * kDay));
    EXPECT_EQ(at_30.state, RenewalState::ok);
    EXPECT_EQ(at_30.window_seconds, 30 * kDay);
    EXPECT_EQ(at_30.renew_at, kNow + 1);  // the first second with less than 30 days left
    const RenewalDecision below = decide(cert(90 * kDay, 30 * kDay - 1));
    EXPECT_EQ(below.state, RenewalState::due);
    EXPECT_EQ(below.renew_at, kNow);
    EXPECT_TRUE(below.due());
    EXPECT_EQ(decide(cert(90 * kDay, 31 * kDay)).renew_at, kNow + kDay + 1);
}

TEST(Renewal, ShortValidityRenewsAtHalf) {
    // 40 days of validity: half is 20 days, less than 30.
    EXPECT_EQ(decide(cert(40 * kDay, 20 * kDay)).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(40 * kDay, 20 * kDay - 1)).state, RenewalState::due);
    EXPECT_EQ(decide(cert(40 * kDay, 25 * kDay)).window_seconds, 20 * kDay);
    // Exactly 60 days: half and 30 days agree.
    EXPECT_EQ(decide(cert(60 * kDay, 30 * kDay)).window_seconds, 30 * kDay);
    EXPECT_EQ(decide(cert(60 * kDay, 30 * kDay)).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(60 * kDay, 30 * kDay - 1)).state, RenewalState::due);
    // 59 days: half (29.5 days) wins over 30 days.
    EXPECT_EQ(decide(cert(59 * kDay, 30 * kDay - 1)).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(59 * kDay, 30 * kDay - 1)).window_seconds, 59 * kDay / 2);
    // Ten-minute certificates (step-ca in a test lab): five minutes.
    EXPECT_EQ(decide(cert(600, 301)).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(600, 299)).state, RenewalState::due);
}

TEST(Renewal, ExpiredIsRenewedAtOnce) {
    const RenewalDecision expired = decide(cert(90 * kDay, -1));
    EXPECT_EQ(expired.state, RenewalState::expired);
    EXPECT_EQ(expired.renew_at, kNow);
    EXPECT_EQ(expired.jitter_seconds, 0);
    // not_after is the last valid second: at not_after it is due, not expired.
    EXPECT_EQ(decide(cert(90 * kDay, 0)).state, RenewalState::due);
    // Jitter never delays an expired certificate.
    EXPECT_EQ(decide_renewal(cert(90 * kDay, -kDay), {}, std::nullopt, "d-1", at(kNow, 12 * kHour)).renew_at, kNow);
}

TEST(Renewal, NeverMoreOftenThanTheMinimumInterval) {
    const CertificateValidity due = cert(90 * kDay, 5 * kDay);
    const RenewalDecision recent = decide(due, {}, kNow - kHour);
    EXPECT_EQ(recent.state, RenewalState::throttled);
    EXPECT_FALSE(recent.due());
    EXPECT_EQ(recent.renew_at, kNow + 5 * kHour);
    EXPECT_EQ(decide(due, {}, kNow - 6 * kHour).state, RenewalState::due);
    EXPECT_EQ(decide(due, {}, kNow - 7 * kHour).state, RenewalState::due);
    // Also for an expired certificate: the profile sent an hour ago is still on its way.
    EXPECT_EQ(decide(cert(90 * kDay, -kHour), {}, kNow - kHour).state, RenewalState::throttled);
    // An interval given by the host.
    RenewalOptions o = at(kNow);
    o.min_interval_seconds = 30 * 60;
    EXPECT_EQ(decide_renewal(due, {}, kNow - kHour, "d", o).state, RenewalState::due);
    // A renewal long ago does not move a future renewal.
    EXPECT_EQ(decide(cert(90 * kDay, 40 * kDay), {}, kNow - 50 * kDay).renew_at, kNow + 10 * kDay + 1);
}

TEST(Renewal, ClockSkew) {
    // A certificate issued by a CA whose clock runs two minutes ahead: valid, not due.
    const CertificateValidity ahead{kNow + 120, kNow + 120 + 90 * kDay};
    EXPECT_EQ(decide(ahead).state, RenewalState::ok);
    // A last renewal "in the future" (the host's clock went back) blocks for one interval at most.
    const RenewalDecision skewed = decide(cert(90 * kDay, 5 * kDay), {}, kNow + 30 * kDay);
    EXPECT_EQ(skewed.state, RenewalState::throttled);
    EXPECT_EQ(skewed.renew_at, kNow + 6 * kHour);
    // not_after before not_before (a broken certificate): treated as zero validity, renewed when expired.
    const CertificateValidity inverted{kNow + kDay, kNow - kDay};
    EXPECT_EQ(decide(inverted).state, RenewalState::expired);
}

TEST(Renewal, PolicyOverride) {
    const PolicyCheck check = test::check_text(test::policy_json(R"("renewal": {"before_days": 10, "fraction": 0.25})"));
    ASSERT_TRUE(check.policy && check.report.valid());
    const RenewalRule rule = renewal_rule(*check.policy);
    EXPECT_EQ(rule.before_seconds, 10 * kDay);
    EXPECT_DOUBLE_EQ(rule.fraction, 0.25);
    EXPECT_EQ(decide(cert(90 * kDay, 10 * kDay), rule).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(90 * kDay, 10 * kDay - 1), rule).state, RenewalState::due);
    EXPECT_EQ(decide(cert(20 * kDay, 5 * kDay), rule).state, RenewalState::ok);
    EXPECT_EQ(decide(cert(20 * kDay, 5 * kDay - 1), rule).state, RenewalState::due);
    // Only one member given: the other keeps its default.
    const PolicyCheck days_only = test::check_text(test::policy_json(R"("renewal": {"before_days": 45})"));
    ASSERT_TRUE(days_only.policy);
    EXPECT_EQ(renewal_rule(*days_only.policy).before_seconds, 45 * kDay);
    EXPECT_DOUBLE_EQ(renewal_rule(*days_only.policy).fraction, 0.5);
    const PolicyCheck none = test::check_text(test::policy_json());
    ASSERT_TRUE(none.policy);
    EXPECT_EQ(renewal_rule(*none.policy).before_seconds, 30 * kDay);
}

TEST(Renewal, JitterIsDeterministicBoundedAndSpread) {
    const std::int64_t spread = 12 * kHour;
    EXPECT_EQ(renewal_jitter("d-0042", spread), renewal_jitter("d-0042", spread));
    EXPECT_EQ(renewal_jitter("d-0042", 0), 0);
    std::set<std::int64_t> values;
    for (int i = 0; i < 1000; ++i) {
        const std::int64_t j = renewal_jitter("device-" + std::to_string(i), spread);
        EXPECT_GE(j, 0);
        EXPECT_LT(j, spread);
        values.insert(j);
    }
    EXPECT_GT(values.size(), 960u);  // distinct devices get distinct delays (a few collide by chance)
    EXPECT_LT(*values.begin(), spread / 20);
    EXPECT_GT(*values.rbegin(), spread - spread / 20);
    // The jitter is added after the window opens and never exceeds half the window.
    const CertificateValidity c = cert(90 * kDay, 40 * kDay);
    const RenewalDecision d = decide_renewal(c, {}, std::nullopt, "d-0042", at(kNow, spread));
    EXPECT_EQ(d.jitter_seconds, renewal_jitter("d-0042", spread));
    EXPECT_EQ(d.renew_at, c.not_after - 30 * kDay + 1 + d.jitter_seconds);
    const RenewalDecision short_lived = decide_renewal(cert(600, 500), {}, std::nullopt, "d-0042", at(kNow, spread));
    EXPECT_LE(short_lived.jitter_seconds, 150);
    EXPECT_LT(short_lived.renew_at, kNow + 500);
}

}  // namespace
}  // namespace acmepolicy
