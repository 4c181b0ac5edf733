// Signed asset links (see asset_links.hpp).
#include "server/asset_links.hpp"

#include "acmepolicy/crypto.hpp"

namespace acmepolicy::server {
namespace {

// The signed message: a fixed label (so no other HMAC under the same key can be replayed as a link), then
// the parts separated by newlines, which neither ids (validated) nor the decimal time contain.
std::string signature_hex(std::string_view key, std::string_view policy_id, std::string_view device_id,
                          std::string_view expires) {
    std::string message = "acmepolicy asset link\n";
    message.append(policy_id).append("\n").append(device_id).append("\n").append(expires);
    return crypto::to_hex(crypto::hmac_sha256(key, message));
}

bool parse_seconds(std::string_view text, std::int64_t& out) {
    if (text.empty() || text.size() > 12) return false;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

}  // namespace

std::int64_t asset_link_expiry(std::int64_t now_seconds, std::int64_t period_seconds) {
    if (period_seconds <= 0) period_seconds = 86400;
    return (now_seconds / period_seconds + 2) * period_seconds;
}

std::string asset_link_query(std::string_view key, std::string_view policy_id, std::string_view device_id,
                             std::int64_t expires) {
    const std::string time = std::to_string(expires);
    return "expires=" + time + "&signature=" + signature_hex(key, policy_id, device_id, time);
}

bool asset_link_valid(std::string_view key, std::string_view policy_id, std::string_view device_id,
                      std::string_view expires_text, std::string_view signature, std::int64_t now_seconds) {
    std::int64_t expires = 0;
    if (key.empty() || !parse_seconds(expires_text, expires) || expires <= now_seconds) return false;
    return crypto::constant_time_equal(signature_hex(key, policy_id, device_id, expires_text), signature);
}

}  // namespace acmepolicy::server
