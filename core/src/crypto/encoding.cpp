// Hexadecimal, Base64 (RFC 4648 §4 and §5) and constant-time comparison.
#include "acmepolicy/crypto.hpp"

namespace acmepolicy::crypto {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The value of each byte as a Base64 digit, -1 for anything else: one lookup per byte on the decode
// path, which reads every certificate a device reports.
struct Base64Table {
    signed char value[256];
    constexpr Base64Table() : value() {
        for (int i = 0; i < 256; ++i) value[i] = -1;
        for (int i = 0; i < 26; ++i) {
            value['A' + i] = static_cast<signed char>(i);
            value['a' + i] = static_cast<signed char>(i + 26);
        }
        for (int i = 0; i < 10; ++i) value['0' + i] = static_cast<signed char>(i + 52);
        value[static_cast<unsigned char>('+')] = 62;
        value[static_cast<unsigned char>('/')] = 63;
    }
};
constexpr Base64Table kBase64Table;

int base64_value(char c) { return kBase64Table.value[static_cast<unsigned char>(c)]; }

std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        if (pad) out += "==";
    } else if (rest == 2) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        if (pad) out += '=';
    }
    return out;
}

}  // namespace

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += kHexDigits[data[i] >> 4];
        out += kHexDigits[data[i] & 15];
    }
    return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_value(hex[i]);
        const int lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>((hi << 4) | lo);
    }
    return out;
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kBase64, true); }

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kBase64Url, false); }

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t accumulator = 0;
    int sextets = 0;   // sextets in the current quantum
    int padding = 0;   // '=' seen; only whitespace and more '=' may follow the first
    for (const char c : text) {
        if (padding == 0) {
            const int v = base64_value(c);
            if (v >= 0) {  // the common case first: a digit before any padding
                accumulator = (accumulator << 6) | static_cast<std::uint32_t>(v);
                if (++sextets == 4) {
                    const char bytes[3] = {static_cast<char>((accumulator >> 16) & 0xFF),
                                           static_cast<char>((accumulator >> 8) & 0xFF),
                                           static_cast<char>(accumulator & 0xFF)};
                    out.append(bytes, 3);
                    accumulator = 0;
                    sextets = 0;
                }
                continue;
            }
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '=') {
            ++padding;
            // Padding completes a quantum of 2 or 3 sextets, never more than two '='.
            if (sextets + padding > 4 || sextets < 2) return std::nullopt;
            continue;
        }
        if (padding > 0) return std::nullopt;
        const int v = base64_value(c);
        if (v < 0) return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(v);
        if (++sextets == 4) {
            out += static_cast<char>((accumulator >> 16) & 0xFF);
            out += static_cast<char>((accumulator >> 8) & 0xFF);
            out += static_cast<char>(accumulator & 0xFF);
            accumulator = 0;
            sextets = 0;
        }
    }
    if (sextets == 0) return padding == 0 ? std::optional<std::string>(std::move(out)) : std::nullopt;
    if (sextets + padding != 4) return std::nullopt;  // an unpadded or truncated final quantum
    if (sextets == 2) {
        if ((accumulator & 0xF) != 0) return std::nullopt;  // non-canonical trailing bits
        out += static_cast<char>((accumulator >> 4) & 0xFF);
    } else {  // 3 sextets
        if ((accumulator & 0x3) != 0) return std::nullopt;
        out += static_cast<char>((accumulator >> 10) & 0xFF);
        out += static_cast<char>((accumulator >> 2) & 0xFF);
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
    // Reading through a volatile keeps the compiler from turning the loop into an early exit.
    volatile unsigned char result = diff;
    return result == 0;
}

}  // namespace acmepolicy::crypto
