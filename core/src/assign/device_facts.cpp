// Facts about a device that decide eligibility: OS version numbers and attestation-capable hardware.
#include "acmepolicy/resolve.hpp"

namespace acmepolicy {
namespace {

// Reads a run of 1..9 decimal digits at `i`; false when there is none or it is longer.
bool read_number(std::string_view text, std::size_t& i, std::uint32_t& value) noexcept {
    const std::size_t start = i;
    std::uint32_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (i - start == 9) return false;
        v = v * 10u + static_cast<std::uint32_t>(text[i] - '0');
        ++i;
    }
    value = v;
    return i > start;
}

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<OsVersion> parse_os_version(std::string_view text) noexcept {
    OsVersion version;
    std::uint32_t* parts[3] = {&version.major, &version.minor, &version.patch};
    std::size_t i = 0;
    for (std::size_t part = 0; part < 3; ++part) {
        if (!read_number(text, i, *parts[part])) return std::nullopt;
        if (i == text.size()) return version;
        if (text[i] != '.' || part == 2) return std::nullopt;
        ++i;
    }
    return std::nullopt;
}

AttestationSupport attestation_support(std::string_view product_name) noexcept {
    // Hardware identifiers are "<family><major>,<minor>". Attestation needs the A11 Bionic or later:
    // iPhone10,x (iPhone 8/X) and iPad8,x (iPad Pro 3rd generation) are the first; no iPod has one.
    std::string_view family;
    std::uint32_t first_capable = 0;
    if (starts_with(product_name, "iPhone")) {
        family = "iPhone";
        first_capable = 10;
    } else if (starts_with(product_name, "iPad")) {
        family = "iPad";
        first_capable = 8;
    } else if (starts_with(product_name, "iPod")) {
        family = "iPod";
    } else {
        return AttestationSupport::unknown;
    }
    std::size_t i = family.size();
    std::uint32_t major = 0, minor = 0;
    if (!read_number(product_name, i, major) || i >= product_name.size() || product_name[i] != ',')
        return AttestationSupport::unknown;
    ++i;
    if (!read_number(product_name, i, minor) || i != product_name.size()) return AttestationSupport::unknown;
    if (family == "iPod") return AttestationSupport::unsupported;
    return major >= first_capable ? AttestationSupport::supported : AttestationSupport::unsupported;
}

}  // namespace acmepolicy
