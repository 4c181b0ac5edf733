// Version-5 UUIDs over bytes already laid out (internal): for callers that hash many names in one
// namespace and keep the namespace bytes and a shared name prefix in one reusable buffer.
#pragma once

#include <string>
#include <string_view>

#include "acmepolicy/crypto.hpp"

namespace acmepolicy::detail {

/// The 16 bytes of a canonical UUID text (either case); empty when `text` is not one.
std::string uuid_bytes(std::string_view text);

/// Appends the 36-character upper-case canonical text of the RFC 4122 version-5 UUID whose SHA-1 input
/// is `namespace_and_name` (the namespace's 16 bytes, then the name). crypto::uuid_v5 is this with the
/// namespace given as text.
void append_uuid_v5(std::string& out, std::string_view namespace_and_name);

/// The same from the SHA-1 of the namespace bytes and the name, computed by the caller.
void append_uuid_v5(std::string& out, const crypto::Sha1Digest& digest);

}  // namespace acmepolicy::detail
