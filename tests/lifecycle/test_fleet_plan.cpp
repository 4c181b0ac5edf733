// The fleet planner: newest certificate per pair, order, per-day counts, missing pairs, and the spread of
// a fleet enrolled in one minute.
#include <map>

#include <gtest/gtest.h>

#include "acmepolicy/lifecycle.hpp"

namespace acmepolicy {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kNow = 1795046400;  // 2026-11-19T00:00:00Z, a day boundary

FleetEntry entry(const std::string& device, std::vector<CertificateValidity> certificates,
                 std::optional<std::int64_t> last = std::nullopt) {
    FleetEntry e;
    e.device_id = device;
    e.policy_id = "corp-acme";
    e.certificates = std::move(certificates);
    e.last_renewal = last;
    return e;
}

RenewalOptions options(std::int64_t spread) {
    RenewalOptions o;
    o.now = kNow;
    o.spread_seconds = spread;
    return o;
}

TEST(FleetPlan, NewestCertificateOrderCountsAndMissing) {
    const std::vector<FleetEntry> entries = {
        entry("d-3", {{kNow - 80 * kDay, kNow + 10 * kDay}, {kNow - kDay, kNow + 89 * kDay}}),  // renewed: ok
        entry("d-1", {{kNow - 85 * kDay, kNow + 5 * kDay}}),                                 // due
        entry("d-2", {}),                                                                    // missing
        entry("d-4", {{kNow - 91 * kDay, kNow - kDay}}),                                     // expired
        entry("d-5", {{kNow - 88 * kDay, kNow + 2 * kDay}}, kNow - kHour),                   // throttled
        entry("d-0", {{kNow - 50 * kDay, kNow + 40 * kDay}}),                                // ok, in 10 days
    };
    const RenewalPlan plan = plan_renewals(entries, options(0));
    ASSERT_EQ(plan.renewals.size(), 5u);
    EXPECT_EQ(plan.missing, std::vector<std::size_t>{2});
    EXPECT_EQ(plan.due, 1u);
    EXPECT_EQ(plan.expired, 1u);
    EXPECT_EQ(plan.throttled, 1u);
    // d-3's newest certificate (the second) is the one planned.
    for (const auto& r : plan.renewals)
        if (entries[r.entry].device_id == "d-3") {
            EXPECT_EQ(r.certificate, 1u);
        }
    // Ordered by renew_at, then device id: the due and expired ones (now) first.
    std::vector<std::string> order;
    for (const auto& r : plan.renewals) order.push_back(entries[r.entry].device_id);
    EXPECT_EQ(order, (std::vector<std::string>{"d-1", "d-4", "d-5", "d-0", "d-3"}));
    for (std::size_t i = 1; i < plan.renewals.size(); ++i)
        EXPECT_LE(plan.renewals[i - 1].decision.renew_at, plan.renewals[i].decision.renew_at);
    // Per day: two today, one (d-5) six hours from now, i.e. still today, then 10 days and 59 days out.
    std::map<std::int64_t, std::size_t> expected;
    for (const auto& r : plan.renewals) ++expected[r.decision.renew_at / kDay];
    ASSERT_EQ(plan.per_day.size(), expected.size());
    std::size_t i = 0;
    for (const auto& [day, count] : expected) {
        EXPECT_EQ(plan.per_day[i].day, day);
        EXPECT_EQ(plan.per_day[i].count, count);
        ++i;
    }
    EXPECT_EQ(plan.per_day.front().day, kNow / kDay);
    EXPECT_EQ(plan.per_day.front().count, 3u);
}

TEST(FleetPlan, AFleetEnrolledInOneMinuteIsSpreadOverTheWindow) {
    const std::int64_t spread = 12 * kHour;
    std::vector<FleetEntry> entries;
    for (int i = 0; i < 5000; ++i)
        entries.push_back(entry("device-" + std::to_string(i), {{kNow - 50 * kDay + i % 60, kNow + 40 * kDay + i % 60}}));
    const RenewalPlan plan = plan_renewals(entries, options(spread));
    ASSERT_EQ(plan.renewals.size(), entries.size());
    const std::int64_t opens = kNow + 10 * kDay + 1;
    std::map<std::int64_t, int> per_hour;
    for (const auto& r : plan.renewals) {
        const std::int64_t own_opens = entries[r.entry].certificates[0].not_after - 30 * kDay + 1;
        EXPECT_GE(r.decision.renew_at, opens);
        EXPECT_GE(r.decision.renew_at, own_opens);
        EXPECT_LT(r.decision.renew_at, own_opens + spread);
        ++per_hour[(r.decision.renew_at - own_opens) / kHour];
    }
    EXPECT_EQ(per_hour.size(), 12u);
    for (const auto& [hour, count] : per_hour) {
        EXPECT_GT(count, 5000 / 12 / 2) << hour;  // roughly even: no hour gets the whole fleet
        EXPECT_LT(count, 5000 / 12 * 2) << hour;
    }
    // Deterministic: planning again gives the very same times.
    const RenewalPlan again = plan_renewals(entries, options(spread));
    for (std::size_t i = 0; i < plan.renewals.size(); ++i)
        EXPECT_EQ(plan.renewals[i].decision.renew_at, again.renewals[i].decision.renew_at);
}

}  // namespace
}  // namespace acmepolicy
