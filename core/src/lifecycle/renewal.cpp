// The renewal decision for one matched certificate: the window, the device's jitter, the throttle.
#include <algorithm>
#include <cmath>
#include <limits>

#include "acmepolicy/lifecycle.hpp"

namespace acmepolicy {

const char* to_string(RenewalState state) noexcept {
    switch (state) {
        case RenewalState::ok: return "ok";
        case RenewalState::due: return "due";
        case RenewalState::expired: return "expired";
        case RenewalState::throttled: return "throttled";
        case RenewalState::missing: return "missing";
    }
    return "missing";
}

RenewalRule renewal_rule(const Policy& policy) noexcept {
    RenewalRule rule;
    if (policy.renewal) {
        if (policy.renewal->before_days) rule.before_seconds = *policy.renewal->before_days * 86400;
        if (policy.renewal->fraction) rule.fraction = *policy.renewal->fraction;
    }
    return rule;
}

std::int64_t renewal_jitter(std::string_view device_id, std::int64_t spread_seconds) noexcept {
    if (spread_seconds <= 0) return 0;
    // FNV-1a, then a 64-bit finaliser (splitmix64) so that ids differing in one character spread well.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : device_id) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return static_cast<std::int64_t>(h % static_cast<std::uint64_t>(spread_seconds));
}

RenewalDecision decide_renewal(const CertificateValidity& certificate, const RenewalRule& rule,
                               std::optional<std::int64_t> last_renewal, std::string_view device_id,
                               const RenewalOptions& options) noexcept {
    RenewalDecision d;
    const std::int64_t now = options.now;
    const std::int64_t validity = std::max<std::int64_t>(0, certificate.not_after - certificate.not_before);
    double by_fraction = std::floor(rule.fraction * static_cast<double>(validity));
    if (!(by_fraction >= 0)) by_fraction = 0;  // NaN from a hostile rule
    const std::int64_t fraction_seconds =
        by_fraction >= static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)
            ? std::numeric_limits<std::int64_t>::max() / 2
            : static_cast<std::int64_t>(by_fraction);
    d.window_seconds = std::max<std::int64_t>(0, std::min(rule.before_seconds, fraction_seconds));

    if (now > certificate.not_after) {
        d.state = RenewalState::expired;
        d.renew_at = now;
    } else {
        const std::int64_t opens = certificate.not_after - d.window_seconds + 1;
        d.jitter_seconds = std::min(renewal_jitter(device_id, options.spread_seconds), d.window_seconds / 2);
        const std::int64_t scheduled = opens + d.jitter_seconds;
        d.state = scheduled <= now ? RenewalState::due : RenewalState::ok;
        d.renew_at = std::max(scheduled, now);
    }
    if (last_renewal) {
        const std::int64_t last = std::min(*last_renewal, now);
        const std::int64_t allowed = last + std::max<std::int64_t>(0, options.min_interval_seconds);
        if (allowed > d.renew_at) {
            if (d.due()) d.state = RenewalState::throttled;
            d.renew_at = allowed;
        }
    }
    return d;
}

}  // namespace acmepolicy
