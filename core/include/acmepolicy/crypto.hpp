// Hashes, HMAC, Base64 and UUIDs (digests over OpenSSL natively, mbedTLS in wasm): the small crypto toolbox the core renders with.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acmepolicy::crypto {

using Sha1Digest = std::array<std::uint8_t, 20>;
using Sha256Digest = std::array<std::uint8_t, 32>;

Sha1Digest sha1(std::string_view data);
Sha256Digest sha256(std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hexadecimal of any bytes.
std::string to_hex(const std::uint8_t* data, std::size_t size);
template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& digest) { return to_hex(digest.data(), N); }
/// Decodes hexadecimal (either case); nullopt when the text is not an even run of hex digits.
std::optional<std::string> from_hex(std::string_view hex);

/// Standard Base64 with padding (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);
/// nullopt for invalid Base64. Whitespace (space, tab, CR, LF) is ignored, as in PEM and plist <data>.
std::optional<std::string> base64_decode(std::string_view text);
/// URL-safe Base64 without padding (RFC 4648 §5), for tokens.
std::string base64url_encode(std::string_view bytes);

/// Compares two byte strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// RFC 4122 version-5 UUID (SHA-1) of `name` in `namespace_uuid`, upper-case canonical text as Apple
/// writes PayloadUUIDs ("8D4B2C1E-...."). `namespace_uuid` is canonical UUID text in either case; a
/// malformed namespace is a programming error and throws std::invalid_argument.
/// Example: uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") ==
/// "886313E1-3B8A-5372-9B90-0C9AEE199E5D" (the same as Python's uuid.uuid5).
std::string uuid_v5(std::string_view namespace_uuid, std::string_view name);
/// RFC 4122 version-4 UUID from 16 caller-supplied random bytes (the core draws no randomness itself).
/// Returns nullopt unless `random16` is exactly 16 bytes.
std::optional<std::string> uuid_v4(std::string_view random16);

/// The namespace of every acmepolicy UUID v5 (itself uuid_v5 of "acmepolicy" in the RFC 4122 URL
/// namespace, fixed here so it never changes): "2511AC94-A344-5981-9611-B5E36D739CA8".
extern const char* const kAcmepolicyUuidNamespace;

}  // namespace acmepolicy::crypto
