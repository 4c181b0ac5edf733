// The attestation-capable hardware table (see hardware.hpp).
//
// Source: Apple's device-management schema (github.com/apple/device-management), profile
// com.apple.security.acme, note "ACME attestation hardware support": Attest is supported on iPhone and iPad
// with an A11 Bionic or later and all M-series chips, Apple TV with an A12 Bionic or later, Apple Watch S4 or
// later and every Vision Pro; it is ignored on A10X Fusion and earlier, and on S3 and earlier. The chips are
// mapped to the model identifiers Apple gives them (ProductName in DeviceInformation):
// - iPhone10,1-10,6 (iPhone 8, 8 Plus, X) are the first A11 models; iPhone9,x (iPhone 7) is an A10 Fusion.
//   Every later major has a newer A-series chip.
// - No iPad has an A11. iPad7,x (iPad Pro 2nd generation A10X, iPad 6th and 7th generation A10) ignore
//   Attest; iPad8,x (iPad Pro 3rd generation, A12X) is the first major that attests, and every later major
//   has an A12 or newer A-series chip or an M-series chip.
// - iPod touch: the last one (iPod9,1) has an A10 Fusion; none attests.
// - AppleTV6,2 (Apple TV 4K, A10X) ignores Attest; AppleTV11,1 (Apple TV 4K 2nd generation, A12) attests.
// - Watch3,x (Series 3, S3) ignores Attest; Watch4,x (Series 4, S4) is the first that attests.
// - RealityDevice14,1 (Vision Pro, M2) and every later one attests.
#include "acmepolicy/hardware.hpp"
#include "assign/assign_internal.hpp"

namespace acmepolicy {
const std::vector<AttestationFamily>& attestation_families() {
    static const std::vector<AttestationFamily> table = {
        {"iPhone", "iPhone", 10, "A11 Bionic", "A10 Fusion and earlier"},
        {"iPad", "iPad", 8, "A12X Bionic", "A10X and earlier"},
        {"iPod", "iPod touch", kNoModelAttests, "", "every iPod touch"},
        {"AppleTV", "Apple TV", 11, "A12 Bionic", "A10X and earlier"},
        {"Watch", "Apple Watch", 4, "S4", "S3 and earlier"},
        {"RealityDevice", "Apple Vision Pro", 0, "M2", "no Vision Pro"},
    };
    return table;
}

const char* attestation_hardware_source() noexcept {
    return "Apple's device-management schema, com.apple.security.acme, note \"ACME attestation hardware support\", "
           "mapped to model identifiers (ProductName)";
}

const AttestationFamily* attestation_family(std::string_view product_name, std::uint32_t* major) noexcept {
    for (const AttestationFamily& family : attestation_families()) {
        const std::string_view prefix(family.prefix);
        if (product_name.substr(0, prefix.size()) != prefix) continue;
        std::size_t i = prefix.size();
        std::uint32_t first = 0, second = 0;
        if (!detail::read_number(product_name, i, first) || i >= product_name.size() || product_name[i] != ',') return nullptr;
        ++i;
        if (!detail::read_number(product_name, i, second) || i != product_name.size()) return nullptr;
        if (major) *major = first;
        return &family;
    }
    return nullptr;
}

}  // namespace acmepolicy
