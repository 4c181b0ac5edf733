// UUID v5 against RFC 4122 / Python's uuid module, and UUID v4 from given bytes.
#include <gtest/gtest.h>

#include <stdexcept>

#include "acmepolicy/crypto.hpp"

using namespace acmepolicy::crypto;

namespace {
constexpr const char* kNamespaceDns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
constexpr const char* kNamespaceUrl = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
}  // namespace

TEST(UuidV5, MatchesPythonUuid5) {
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    EXPECT_EQ(uuid_v5(kNamespaceDns, "python.org"), "886313E1-3B8A-5372-9B90-0C9AEE199E5D");
}

TEST(UuidV5, NamespaceCaseDoesNotMatter) {
    EXPECT_EQ(uuid_v5("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "python.org"), uuid_v5(kNamespaceDns, "python.org"));
}

TEST(UuidV5, ProjectNamespaceIsDerivedFromTheUrlNamespace) {
    // The fixed namespace is itself uuid5(NAMESPACE_URL, "acmepolicy"); NAMESPACE_URL is 6ba7b811-...
    EXPECT_EQ(uuid_v5(kNamespaceUrl, "acmepolicy"), kAcmepolicyUuidNamespace);
}

TEST(UuidV5, VersionAndVariantBits) {
    const std::string u = uuid_v5(kAcmepolicyUuidNamespace, "anything");
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '5');
    EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'A' || u[19] == 'B');
    EXPECT_NE(u, uuid_v5(kAcmepolicyUuidNamespace, "anything else"));
}

TEST(UuidV5, MalformedNamespaceThrows) {
    EXPECT_THROW(uuid_v5("not-a-uuid", "x"), std::invalid_argument);
    EXPECT_THROW(uuid_v5("6ba7b810x9dad-11d1-80b4-00c04fd430c8", "x"), std::invalid_argument);
}

TEST(UuidV4, SetsVersionAndVariant) {
    std::string bytes;
    for (int i = 0; i < 16; ++i) bytes += static_cast<char>(i);
    // uuid.UUID(bytes=bytes(range(16)), version=4)
    EXPECT_EQ(uuid_v4(bytes), "00010203-0405-4607-8809-0A0B0C0D0E0F");
    EXPECT_EQ(uuid_v4(std::string(16, '\xff')), "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF");
}

TEST(UuidV4, NeedsExactlySixteenBytes) {
    EXPECT_FALSE(uuid_v4(""));
    EXPECT_FALSE(uuid_v4(std::string(15, 'a')));
    EXPECT_FALSE(uuid_v4(std::string(17, 'a')));
}
