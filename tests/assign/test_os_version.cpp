// OS version comparison and hardware attestation support.
#include <gtest/gtest.h>

#include "acmepolicy/resolve.hpp"

namespace acmepolicy {
namespace {

OsVersion v(const char* text) {
    auto parsed = parse_os_version(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(OsVersion{});
}

TEST(OsVersion, ComparesComponentsNumerically) {
    EXPECT_TRUE(v("16.9") < v("16.10"));
    EXPECT_FALSE(v("16.10") < v("16.9"));
    EXPECT_TRUE(v("9.9.9") < v("16"));
    EXPECT_TRUE(v("16.0") < v("16.0.1"));
}

TEST(OsVersion, MissingComponentsAreZero) {
    EXPECT_FALSE(v("16") < v("16.0"));
    EXPECT_FALSE(v("16.0") < v("16"));
    EXPECT_FALSE(v("16") < kMinimumOsVersion);
    EXPECT_FALSE(v("16.0.0") < kMinimumOsVersion);
    EXPECT_TRUE(v("15.7") < kMinimumOsVersion);
    EXPECT_TRUE(v("15.99.99") < kMinimumOsVersion);
}

TEST(OsVersion, RejectsAnythingButDottedNumbers) {
    for (const char* garbage : {"", "16.", ".16", "16..1", "sixteen", "16.x", " 16", "16 ", "16.0.1.2", "v16",
                                "16,0", "-16", "+16", "1234567890", "16.4 beta"})
        EXPECT_FALSE(parse_os_version(garbage).has_value()) << '"' << garbage << '"';
}

TEST(OsVersion, AcceptsLargeButBoundedNumbers) {
    EXPECT_EQ(v("123456789").major, 123456789u);
    EXPECT_EQ(v("17.4.1").patch, 1u);
}

TEST(AttestationSupport, A11AndLaterCanAttest) {
    EXPECT_EQ(attestation_support("iPhone10,3"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("iPhone15,2"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("iPad8,1"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("iPad13,18"), AttestationSupport::supported);
}

TEST(AttestationSupport, OlderChipsAndEveryIPodCannot) {
    EXPECT_EQ(attestation_support("iPhone9,3"), AttestationSupport::unsupported);
    EXPECT_EQ(attestation_support("iPad7,5"), AttestationSupport::unsupported);
    EXPECT_EQ(attestation_support("iPad6,11"), AttestationSupport::unsupported);
    EXPECT_EQ(attestation_support("iPod9,1"), AttestationSupport::unsupported);
}

TEST(AttestationSupport, UnknownIdentifiersAreNotGuessed) {
    for (const char* unknown : {"", "iPhone", "iPhone10", "iPhone10,", "iPhone,3", "iPhoneX,1", "Mac14,2",
                                "x86_64", "iPad8,1 ", "iphone10,3"})
        EXPECT_EQ(attestation_support(unknown), AttestationSupport::unknown) << '"' << unknown << '"';
}

}  // namespace
}  // namespace acmepolicy
