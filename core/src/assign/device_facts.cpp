// Facts about a device that decide eligibility: OS version numbers, and attestation support read from the
// hardware table (attestation_hardware.cpp).
#include "acmepolicy/resolve.hpp"

#include "acmepolicy/hardware.hpp"
#include "assign/assign_internal.hpp"

namespace acmepolicy {
std::optional<OsVersion> parse_os_version(std::string_view text) noexcept {
    OsVersion version;
    std::uint32_t* parts[3] = {&version.major, &version.minor, &version.patch};
    std::size_t i = 0;
    for (std::size_t part = 0; part < 3; ++part) {
        if (!detail::read_number(text, i, *parts[part])) return std::nullopt;
        if (i == text.size()) return version;
        if (text[i] != '.' || part == 2) return std::nullopt;
        ++i;
    }
    return std::nullopt;
}

AttestationSupport attestation_support(std::string_view product_name) noexcept {
    std::uint32_t major = 0;
    const AttestationFamily* family = attestation_family(product_name, &major);
    if (!family) return AttestationSupport::unknown;
    return major >= family->first_capable ? AttestationSupport::supported : AttestationSupport::unsupported;
}

}  // namespace acmepolicy
