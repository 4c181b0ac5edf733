// The canonical byte encoding of plist values that PayloadUUIDs and ServerTokens are derived from.
#pragma once

#include <string>
#include <string_view>

#include "acmepolicy/plist.hpp"

namespace acmepolicy::render_detail {

/// Appends an unambiguous, type-tagged, length-prefixed encoding of `value` to `out` (see
/// docs/rendering.md, "Identity"). <data> is encoded by its length and SHA-256. Dictionary members named `skip_key` (at any depth) are left out, so a
/// payload's own PayloadUUID never feeds its own UUID. Two values encode equally iff they are equal.
void append_canonical(std::string& out, const plist::Value& value, std::string_view skip_key = {});
void append_canonical(std::string& out, const plist::Dict& dict, std::string_view skip_key = {});

/// Appends one length-prefixed string (the same encoding a plist string gets).
void append_canonical_string(std::string& out, std::string_view text);

/// The RFC 4122 version-5 UUID of one payload:
/// uuid_v5(kAcmepolicyUuidNamespace, S("acmepolicy.render.v1") S(policy id) S(device id) S(role) content)
/// where S() is append_canonical_string and `content` is already canonical bytes.
std::string payload_uuid(std::string_view policy_id, std::string_view device_id, std::string_view role,
                         std::string_view canonical_content);

}  // namespace acmepolicy::render_detail
