// RFC 4122 UUIDs: version 5 (SHA-1 of a name in a namespace) and version 4 (from given random bytes).
#include "acmepolicy/crypto.hpp"

#include <stdexcept>

#include "crypto/uuid_v5.hpp"

namespace acmepolicy::crypto {

const char* const kAcmepolicyUuidNamespace = "2511AC94-A344-5981-9611-B5E36D739CA8";

namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

void append_formatted(std::string& out, const std::uint8_t* b) {
    char text[36];
    char* p = text;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = kUpperHex[b[i] >> 4];
        *p++ = kUpperHex[b[i] & 15];
    }
    out.append(text, sizeof text);
}

std::string format_uuid(const std::uint8_t* b) {
    std::string out;
    out.reserve(36);
    append_formatted(out, b);
    return out;
}

/// The 16 bytes of a canonical UUID text (either case); nullopt when it is not one.
std::optional<std::string> parse_uuid(std::string_view text) {
    if (text.size() != 36) return std::nullopt;
    std::string hex;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return std::nullopt;
        } else {
            hex += text[i];
        }
    }
    return from_hex(hex);
}

}  // namespace

std::string uuid_v5(std::string_view namespace_uuid, std::string_view name) {
    const std::optional<std::string> ns = parse_uuid(namespace_uuid);
    if (!ns) throw std::invalid_argument("uuid_v5: the namespace is not a UUID");
    std::string input = *ns;
    input.append(name.data(), name.size());
    std::string out;
    out.reserve(36);
    detail::append_uuid_v5(out, input);
    return out;
}

std::optional<std::string> uuid_v4(std::string_view random16) {
    if (random16.size() != 16) return std::nullopt;
    std::uint8_t b[16];
    for (std::size_t i = 0; i < 16; ++i) b[i] = static_cast<std::uint8_t>(random16[i]);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    return format_uuid(b);
}

}  // namespace acmepolicy::crypto

namespace acmepolicy::detail {

std::string uuid_bytes(std::string_view text) { return crypto::parse_uuid(text).value_or(std::string()); }

void append_uuid_v5(std::string& out, std::string_view namespace_and_name) {
    append_uuid_v5(out, crypto::sha1(namespace_and_name));
}

void append_uuid_v5(std::string& out, const crypto::Sha1Digest& digest) {
    std::uint8_t b[16];
    for (int i = 0; i < 16; ++i) b[i] = digest[static_cast<std::size_t>(i)];
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x50);  // version 5
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    crypto::append_formatted(out, b);
}

}  // namespace acmepolicy::detail
