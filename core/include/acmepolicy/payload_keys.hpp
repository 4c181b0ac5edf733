// What the com.apple.security.acme payload accepts, as data: its keys (type, presence, default and the
// platforms that read them) and the key sizes per key type and hardware binding. Validation reads these
// tables, and schema() (api.hpp) publishes them, so that hosts never keep a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace acmepolicy {

/// The platforms of Apple's schema, in its order. iPadOS follows iOS (Apple's schema names only iOS).
enum class SchemaPlatform : std::uint8_t { iOS, macOS, tvOS, visionOS, watchOS };
constexpr std::size_t kSchemaPlatformCount = 5;
const char* to_string(SchemaPlatform platform) noexcept;  // "iOS", "macOS", ...

/// One payload key. `introduced[p]` is the first OS version of platform p that reads the key, or nullptr
/// when that platform ignores it (Apple's "n/a"). `subkeys` lists a dictionary's keys in format order,
/// ending at the first nullptr. Plain data (no allocation), so the table costs the wasm module little.
struct PayloadKeyInfo {
    const char* name;           // "DirectoryURL"
    const char* type;           // "string", "integer", "boolean", "array", "dictionary"
    bool required;
    const char* default_value;  // JSON text of Apple's default ("false"), or nullptr for none
    const char* introduced[kSchemaPlatformCount];
    const char* subkeys[5];
};

/// Every payload key, in the order the policy format lists them.
const std::vector<PayloadKeyInfo>& payload_keys();

/// The KeySize values one (KeyType, HardwareBound) combination accepts. Either a list (`sizes`, for
/// elliptic curves) or a range (`min`..`max` in steps of `multiple_of`, for RSA); `allowed` is false for a
/// combination no size makes valid (RSA in the Secure Enclave). Sizes in `weak`, or below `weak_below`,
/// are accepted with a warning.
struct KeySizeRule {
    const char* key_type;  // "RSA" or "ECSECPrimeRandom"
    bool hardware_bound;
    bool allowed;
    std::int64_t sizes[4];  // the first size_count entries
    std::size_t size_count;
    std::int64_t min, max, multiple_of;
    std::int64_t weak_below;
    std::int64_t weak[1];  // the first weak_count entries
    std::size_t weak_count;

    /// True when `size` is valid for this combination (weak sizes included).
    bool accepts(std::int64_t size) const noexcept;
    /// True when `size` is valid but weak.
    bool is_weak(std::int64_t size) const noexcept;
};

/// Every combination, KeyType then HardwareBound (false first).
const std::vector<KeySizeRule>& key_size_rules();
/// The rule of one combination; nullptr for an unknown key type.
const KeySizeRule* key_size_rule(const char* key_type, bool hardware_bound) noexcept;

}  // namespace acmepolicy
