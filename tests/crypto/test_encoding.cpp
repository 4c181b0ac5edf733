// Hex, Base64 (RFC 4648 test vectors), Base64url and constant-time comparison.
#include <gtest/gtest.h>

#include "acmepolicy/crypto.hpp"

using namespace acmepolicy::crypto;

TEST(Hex, RoundTripAndRejects) {
    const std::string bytes("\x00\x01\xab\xff", 4);
    EXPECT_EQ(to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), "0001abff");
    EXPECT_EQ(from_hex("0001ABff"), bytes);
    EXPECT_EQ(from_hex(""), std::string());
    EXPECT_FALSE(from_hex("abc"));
    EXPECT_FALSE(from_hex("zz"));
    EXPECT_FALSE(from_hex("0x"));
}

TEST(Base64, Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64_encode(plain), encoded);
        EXPECT_EQ(base64_decode(encoded), std::string(plain)) << encoded;
    }
}

TEST(Base64, DecodeIgnoresWhitespaceAsInPemAndPlist) {
    EXPECT_EQ(base64_decode("\tZm9v\n\tYmFy\r\n"), "foobar");
    EXPECT_EQ(base64_decode(" Zm 9v Yg = = "), "foob");
}

TEST(Base64, DecodeRejectsInvalidText) {
    EXPECT_FALSE(base64_decode("Zm9"));       // truncated
    EXPECT_FALSE(base64_decode("Zg"));        // unpadded
    EXPECT_FALSE(base64_decode("Zg==="));     // too much padding
    EXPECT_FALSE(base64_decode("Z==="));
    EXPECT_FALSE(base64_decode("Zg==Zm9v"));  // data after padding
    EXPECT_FALSE(base64_decode("Zm9v!"));
    EXPECT_FALSE(base64_decode("Zm-_"));      // URL alphabet is not standard Base64
    EXPECT_FALSE(base64_decode("Zh=="));      // non-canonical trailing bits
}

TEST(Base64, AllByteValuesRoundTrip) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t n = 0; n < all.size(); n += 37) EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
}

TEST(Base64Url, NoPaddingAndUrlAlphabet) {
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode(""), "");
}

TEST(ConstantTimeEqual, ComparesBytes) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret1"));
    EXPECT_FALSE(constant_time_equal(std::string("a\0", 2), "a"));
}
