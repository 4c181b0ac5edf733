// Signed, expiring links to a device's declarative ACME credential document, for MDMs without an auth
// proxy: the asset's DataURL carries `expires` and an HMAC `signature` over the policy, the device and that
// time, and its Authentication Type is "None". Whoever holds the link (the device it was rendered for) can
// fetch that one document until it expires; nothing else is reachable with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace acmepolicy::server {

/// When a link made at `now` expires: the end of the period after the current one (periods of
/// `period_seconds` from the Unix epoch), so a link lives between one and two periods and a device's
/// declarations change once per period, not on every sync.
std::int64_t asset_link_expiry(std::int64_t now_seconds, std::int64_t period_seconds);

/// "expires=<unix seconds>&signature=<hex HMAC-SHA-256>" for `policy_id`'s credential of `device_id`.
std::string asset_link_query(std::string_view key, std::string_view policy_id, std::string_view device_id,
                             std::int64_t expires);

/// True when `signature_hex` is the signature of that policy, device and `expires_text` (decimal) under
/// `key` and the link has not expired at `now_seconds`. Compares in constant time; false for any malformed
/// part and for an empty key.
bool asset_link_valid(std::string_view key, std::string_view policy_id, std::string_view device_id,
                      std::string_view expires_text, std::string_view signature_hex, std::int64_t now_seconds);

}  // namespace acmepolicy::server
