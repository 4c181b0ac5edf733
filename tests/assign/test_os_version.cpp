// OS version comparison and hardware attestation support.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "acmepolicy/hardware.hpp"
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

TEST(AttestationSupport, TheTableCoversAppleTvWatchAndVisionPro) {
    EXPECT_EQ(attestation_support("AppleTV11,1"), AttestationSupport::supported);    // A12
    EXPECT_EQ(attestation_support("AppleTV14,1"), AttestationSupport::supported);    // A15
    EXPECT_EQ(attestation_support("AppleTV6,2"), AttestationSupport::unsupported);   // A10X
    EXPECT_EQ(attestation_support("AppleTV5,3"), AttestationSupport::unsupported);   // A8
    EXPECT_EQ(attestation_support("Watch4,1"), AttestationSupport::supported);       // S4
    EXPECT_EQ(attestation_support("Watch7,5"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("Watch3,4"), AttestationSupport::unsupported);     // S3
    EXPECT_EQ(attestation_support("iPod9,1"), AttestationSupport::unsupported);      // no iPod attests
    EXPECT_EQ(attestation_support("RealityDevice14,1"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("iPad16,3"), AttestationSupport::supported);       // M4
    EXPECT_EQ(attestation_support("iPad7,11"), AttestationSupport::unsupported);     // A10
}

TEST(AttestationSupport, NewerModelsThanTheTableKnowsAttest) {
    // Every chip after the first capable one attests, so a model released after the table was written
    // is supported, not unknown.
    EXPECT_EQ(attestation_support("iPhone99,1"), AttestationSupport::supported);
    EXPECT_EQ(attestation_support("Watch99,1"), AttestationSupport::supported);
}

TEST(AttestationSupport, TheTableIsDataWithOneRowPerFamily) {
    const auto& table = attestation_families();
    ASSERT_EQ(table.size(), 6u);
    std::set<std::string> prefixes;
    for (const auto& row : table) {
        EXPECT_TRUE(prefixes.insert(row.prefix).second) << row.prefix;
        EXPECT_STRNE(row.device, "");
        EXPECT_STRNE(row.ignored_on, "");
        EXPECT_EQ(row.first_capable == kNoModelAttests, std::string(row.first_chip).empty()) << row.prefix;
    }
    std::uint32_t major = 0;
    const AttestationFamily* ipad = attestation_family("iPad7,5", &major);
    ASSERT_NE(ipad, nullptr);
    EXPECT_STREQ(ipad->device, "iPad");
    EXPECT_EQ(major, 7u);
    EXPECT_EQ(attestation_family("Mac14,2"), nullptr);
}

TEST(AttestationSupport, UnknownIdentifiersAreNotGuessed) {
    for (const char* unknown : {"", "iPhone", "iPhone10", "iPhone10,", "iPhone,3", "iPhoneX,1", "Mac14,2",
                                "x86_64", "iPad8,1 ", "iphone10,3"})
        EXPECT_EQ(attestation_support(unknown), AttestationSupport::unknown) << '"' << unknown << '"';
}

}  // namespace
}  // namespace acmepolicy
