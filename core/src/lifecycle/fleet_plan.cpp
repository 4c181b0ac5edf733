// The fleet planner: the newest certificate of every device/policy pair, its decision, and the count of
// renewals per day. Linear apart from one sort, so 100,000 devices plan in milliseconds.
#include <algorithm>

#include "acmepolicy/lifecycle.hpp"

namespace acmepolicy {
namespace {

std::int64_t day_of(std::int64_t seconds) {
    return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

}  // namespace

RenewalPlan plan_renewals(const std::vector<FleetEntry>& entries, const RenewalOptions& options) {
    RenewalPlan plan;
    plan.renewals.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const FleetEntry& entry = entries[i];
        if (entry.certificates.empty()) {
            plan.missing.push_back(i);
            continue;
        }
        std::size_t newest = 0;
        for (std::size_t c = 1; c < entry.certificates.size(); ++c) {
            const CertificateValidity& a = entry.certificates[c];
            const CertificateValidity& b = entry.certificates[newest];
            if (a.not_before > b.not_before || (a.not_before == b.not_before && a.not_after > b.not_after))
                newest = c;
        }
        PlannedRenewal planned;
        planned.entry = i;
        planned.certificate = newest;
        planned.decision =
            decide_renewal(entry.certificates[newest], entry.rule, entry.last_renewal, entry.device_id, options);
        switch (planned.decision.state) {
            case RenewalState::due: ++plan.due; break;
            case RenewalState::expired: ++plan.expired; break;
            case RenewalState::throttled: ++plan.throttled; break;
            default: break;
        }
        plan.renewals.push_back(planned);
    }
    std::sort(plan.renewals.begin(), plan.renewals.end(), [&](const PlannedRenewal& a, const PlannedRenewal& b) {
        if (a.decision.renew_at != b.decision.renew_at) return a.decision.renew_at < b.decision.renew_at;
        const FleetEntry& x = entries[a.entry];
        const FleetEntry& y = entries[b.entry];
        if (x.device_id != y.device_id) return x.device_id < y.device_id;
        if (x.policy_id != y.policy_id) return x.policy_id < y.policy_id;
        return a.entry < b.entry;
    });
    for (const PlannedRenewal& r : plan.renewals) {
        const std::int64_t day = day_of(r.decision.renew_at);
        if (plan.per_day.empty() || plan.per_day.back().day != day) plan.per_day.push_back({day, 0});
        ++plan.per_day.back().count;
    }
    return plan;
}

}  // namespace acmepolicy
