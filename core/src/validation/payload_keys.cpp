// The payload-key and key-size tables (see payload_keys.hpp).
//
// Source: Apple's device-management schema, profile com.apple.security.acme (supportedOS of the payload:
// iOS 16.0, macOS 13.1, tvOS 16.0, visionOS 1.0, watchOS 9.0; Attest from watchOS 10.0; KeyIsExtractable
// and AllowAllAppsAccess macOS only), and its KeySize note: RSA 1024-4096 in multiples of 8, elliptic
// curves of 192, 256, 384 or 521 bits, and only P-256 and P-384 in the Secure Enclave (HardwareBound).
#include "acmepolicy/payload_keys.hpp"

#include <algorithm>
#include <cstring>

// First versions per platform (iOS, macOS, tvOS, visionOS, watchOS) of keys every platform reads, and of
// the macOS-only ones.
#define ACMEPOLICY_ALL_PLATFORMS {"16.0", "13.1", "16.0", "1.0", "9.0"}
#define ACMEPOLICY_MACOS_ONLY {nullptr, "13.1", nullptr, nullptr, nullptr}

namespace acmepolicy {

const char* to_string(SchemaPlatform platform) noexcept {
    switch (platform) {
        case SchemaPlatform::iOS: return "iOS";
        case SchemaPlatform::macOS: return "macOS";
        case SchemaPlatform::tvOS: return "tvOS";
        case SchemaPlatform::visionOS: return "visionOS";
        case SchemaPlatform::watchOS: return "watchOS";
    }
    return "iOS";
}

const std::vector<PayloadKeyInfo>& payload_keys() {
    static const std::vector<PayloadKeyInfo> table = {
        {"DirectoryURL", "string", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"ClientIdentifier", "string", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"KeyType", "string", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"KeySize", "integer", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"HardwareBound", "boolean", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"Attest", "boolean", false, "false", {"16.0", "13.1", "16.0", "1.0", "10.0"}, {}},
        {"Subject", "array", true, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"SubjectAltName", "dictionary", false, nullptr, ACMEPOLICY_ALL_PLATFORMS,
         {"rfc822Name", "dNSName", "uniformResourceIdentifier", "ntPrincipalName"}},
        {"UsageFlags", "integer", false, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"ExtendedKeyUsage", "array", false, nullptr, ACMEPOLICY_ALL_PLATFORMS, {}},
        {"KeyIsExtractable", "boolean", false, "true", ACMEPOLICY_MACOS_ONLY, {}},
        {"AllowAllAppsAccess", "boolean", false, "false", ACMEPOLICY_MACOS_ONLY, {}},
    };
    return table;
}

#undef ACMEPOLICY_ALL_PLATFORMS
#undef ACMEPOLICY_MACOS_ONLY

bool KeySizeRule::accepts(std::int64_t size) const noexcept {
    if (!allowed) return false;
    if (size_count > 0) return std::find(sizes, sizes + size_count, size) != sizes + size_count;
    return size >= min && size <= max && multiple_of > 0 && size % multiple_of == 0;
}

bool KeySizeRule::is_weak(std::int64_t size) const noexcept {
    return accepts(size) && (size < weak_below || std::find(weak, weak + weak_count, size) != weak + weak_count);
}

const std::vector<KeySizeRule>& key_size_rules() {
    static const std::vector<KeySizeRule> table = {
        {"RSA", false, true, {}, 0, 1024, 4096, 8, 2048, {}, 0},
        {"RSA", true, false, {}, 0, 0, 0, 0, 0, {}, 0},
        {"ECSECPrimeRandom", false, true, {192, 256, 384, 521}, 4, 0, 0, 0, 0, {192}, 1},
        {"ECSECPrimeRandom", true, true, {256, 384}, 2, 0, 0, 0, 0, {}, 0},
    };
    return table;
}

const KeySizeRule* key_size_rule(const char* key_type, bool hardware_bound) noexcept {
    if (!key_type) return nullptr;
    for (const KeySizeRule& rule : key_size_rules())
        if (rule.hardware_bound == hardware_bound && std::strcmp(rule.key_type, key_type) == 0) return &rule;
    return nullptr;
}

}  // namespace acmepolicy
