// RFC 3339 parsing and formatting.
#include <gtest/gtest.h>

#include "acmepolicy/certificate.hpp"

using acmepolicy::format_rfc3339;
using acmepolicy::parse_rfc3339;

TEST(Rfc3339, ParsesUtcAndOffsets) {
    EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_rfc3339("2026-11-28T12:00:00Z"), 1795867200);
    EXPECT_EQ(parse_rfc3339("2026-11-28T13:30:00+01:30"), 1795867200);
    EXPECT_EQ(parse_rfc3339("2026-11-28T07:00:00-05:00"), 1795867200);
    EXPECT_EQ(parse_rfc3339("2026-11-28t12:00:00z"), 1795867200);
    EXPECT_EQ(parse_rfc3339("2026-11-28T12:00:00.999Z"), 1795867200);
    EXPECT_EQ(parse_rfc3339("2000-02-29T23:59:59Z"), 951868799);
    EXPECT_EQ(parse_rfc3339("1969-12-31T00:00:00Z"), -86400);
}

TEST(Rfc3339, RejectsMalformedText) {
    for (const char* bad : {"", "2026-11-28", "2026-11-28T12:00:00", "2026-11-28 12:00:00Z", "2026-13-01T00:00:00Z",
                            "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-11-31T00:00:00Z",
                            "2026-11-28T24:00:00Z", "2026-11-28T12:60:00Z", "2026-11-28T12:00:60Z",
                            "2026-11-28T12:00:00.Z", "2026-11-28T12:00:00+0100", "2026-11-28T12:00:00Z ",
                            "+2026-11-28T12:00:00Z", "2026-1a-28T12:00:00Z", "2026-11-28T12:00:00+24:00"}) {
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
    }
}

TEST(Rfc3339, FormatsUtc) {
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_rfc3339(1795867200), "2026-11-28T12:00:00Z");
    EXPECT_EQ(format_rfc3339(951868799), "2000-02-29T23:59:59Z");
    EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59Z");
}

TEST(Rfc3339, RoundTripsAcrossCenturies) {
    for (std::int64_t s = -2208988800; s < 4102444800; s += 86400 * 37 + 3671) {
        EXPECT_EQ(parse_rfc3339(format_rfc3339(s)), s) << s;
    }
}
