// Which Apple hardware can attest an ACME key: the model knowledge of the core, kept as data in one place
// so that hosts (the server, the portal) read it from here and never copy it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace acmepolicy {

/// `first_capable` of a family in which no model attests.
constexpr std::uint32_t kNoModelAttests = 0xFFFFFFFFu;

/// One family of hardware identifiers ("<prefix><major>,<minor>", as in a device's ProductName) and the
/// first major number whose chip attests. A well-formed identifier of a known family with a major at or
/// above `first_capable` attests (newer models than the table was written for included); below it, the
/// device ignores Attest.
struct AttestationFamily {
    const char* prefix;          // "iPhone", "iPad", "iPod", "AppleTV", "Watch", "RealityDevice"
    const char* device;          // "iPhone", "iPad", "iPod touch", "Apple TV", "Apple Watch", "Apple Vision Pro"
    std::uint32_t first_capable; // 0: every model attests; kNoModelAttests: none does
    const char* first_chip;      // the chip of the first capable major ("A11 Bionic"), "" when none
    const char* ignored_on;      // the chips that ignore Attest, in words ("A10 Fusion and earlier")
};

/// The whole table, in a fixed order (iPhone, iPad, iPod, Apple TV, Apple Watch, Vision Pro).
/// Macs are not listed: ACME policies apply to iOS and iPadOS here, and a Mac's identifier alone does
/// not tell Apple silicon from a T2 chip.
const std::vector<AttestationFamily>& attestation_families();

/// Where the table comes from, in one sentence (published by schema() beside the table).
const char* attestation_hardware_source() noexcept;

/// The family of a well-formed identifier ("iPad7,5" → the iPad row) and its major number; nullptr for
/// anything else ("", "iPhone", "Mac14,2", "iphone10,3", "iPad8,1 "): those are unknown, never guessed.
const AttestationFamily* attestation_family(std::string_view product_name, std::uint32_t* major = nullptr) noexcept;

}  // namespace acmepolicy
