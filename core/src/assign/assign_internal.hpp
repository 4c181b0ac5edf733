// What resolution, messages and explanations share inside the core: variable bits and compiled templates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acmepolicy/device.hpp"
#include "acmepolicy/policy.hpp"

namespace acmepolicy::detail {

/// Reads a run of 1..9 decimal digits at `i` (advancing it); false when there is none or it is longer. Shared by
/// OS version parsing (device_facts.cpp) and model identifiers (attestation_hardware.cpp).
inline bool read_number(std::string_view text, std::size_t& i, std::uint32_t& value) noexcept {
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

/// Bit i stands for variable_names()[i] (serial_number, udid, enrollment_id, device_id, device_name,
/// user_email, client_token).
using VariableMask = std::uint8_t;
constexpr std::uint8_t kVariableSerialNumber = 0, kVariableUdid = 1, kVariableClientToken = 6;
constexpr std::uint8_t kVariableCount = 7;

/// The variables a device can provide. User Enrollment devices never provide serial_number or udid:
/// Apple withholds both from them (and from their attestation), whatever the inventory holds.
/// client_token and device_id are always available (derived, or the record's id).
VariableMask available_variables(const DeviceRecord& device) noexcept;

/// The field behind a variable on this device, or nullptr when absent (client_token: always nullptr).
const std::string* variable_value(const DeviceRecord& device, std::uint8_t variable) noexcept;

/// The variables used by any template-bearing string of the policy (unknown names are ignored:
/// validation reports them).
VariableMask used_variables(const Policy& policy);

/// A template split once into literal text and variable references, for per-device expansion without
/// re-parsing.
struct CompiledTemplate {
    struct Piece {
        bool is_variable = false;
        std::uint8_t variable = 0;
        std::string text;
        std::uint64_t text_hash = 0;  // of `text`, for expansion_hash()
    };
    std::vector<Piece> pieces;
    bool usable = false;  // parsed without error and uses only known variables other than client_token
};
CompiledTemplate compile_template(std::string_view text);

/// Expands into `out` (cleared first); false when the device lacks a variable.
bool expand(const CompiledTemplate& compiled, const DeviceRecord& device, std::string& out);

/// FNV-1a, 64 bits: the hash of one template piece or one device value.
std::uint64_t text_hash(std::string_view text) noexcept;

/// Device values hashed once per (device, variable) and reused by every policy: resolution hashes the
/// ClientIdentifier of each included device of each policy, and the device records are the cold memory.
/// A column is allocated only for a variable some template uses.
class ValueHashes {
public:
    /// `devices` (the inventory's records) must outlive this.
    explicit ValueHashes(const std::vector<DeviceRecord>& devices) : devices_(devices) {}
    /// The hash of `variable`'s value on devices[device], or false when the device lacks it.
    bool get(std::size_t device, std::uint8_t variable, std::uint64_t& hash);

private:
    const std::vector<DeviceRecord>& devices_;
    // Per variable (empty until a template uses it): 1 = absent, else the hash (0 and 1 are stored as 2).
    std::vector<std::vector<std::uint64_t>> columns_;
};

/// A 64-bit hash of what expand() would produce, combined from the pieces' hashes without building the
/// string (equal expansions give equal hashes). False when a variable is missing (expand() fails too).
bool expansion_hash(const CompiledTemplate& compiled, std::size_t device, ValueHashes& values, std::uint64_t& hash);

}  // namespace acmepolicy::detail
