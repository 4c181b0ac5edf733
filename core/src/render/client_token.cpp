// {{client_token}}: the per-device, per-policy anti-replay code derived from a server secret.
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/render.hpp"

namespace acmepolicy {
namespace {

std::string token_message(std::string_view policy_id, std::string_view device_id) {
    // A NUL separates the two ids: policy ids never contain one, so no two (policy, device) pairs share a
    // message ("ab" + "c" and "a" + "bc" stay distinct).
    std::string message;
    message.reserve(policy_id.size() + 1 + device_id.size());
    message.append(policy_id.data(), policy_id.size());
    message.push_back('\0');
    message.append(device_id.data(), device_id.size());
    return message;
}

}  // namespace

std::string client_token(std::string_view secret, std::string_view policy_id, std::string_view device_id) {
    const crypto::Sha256Digest mac = crypto::hmac_sha256(secret, token_message(policy_id, device_id));
    return crypto::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

bool verify_client_token(std::string_view secret, std::string_view policy_id, std::string_view device_id,
                         std::string_view token) {
    if (secret.empty()) return false;
    return crypto::constant_time_equal(client_token(secret, policy_id, device_id), token);
}

}  // namespace acmepolicy
