// Calendar arithmetic shared by the RFC 3339 code and the X.509 time conversion (internal).
#pragma once

#include <cstdint>

namespace acmepolicy::detail {

struct CivilTime {
    std::int64_t year = 1970;
    unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
/// The UTC calendar time of seconds since the Unix epoch (negative values work).
CivilTime civil_from_seconds(std::int64_t seconds);
/// 28..31 for month 1..12 of `year`.
unsigned days_in_month(std::int64_t year, unsigned month);

}  // namespace acmepolicy::detail
