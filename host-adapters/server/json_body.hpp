// The one reader of every JSON body the server accepts (REST, MDM webhook, step-ca webhook): the core's
// strict reader (size, nesting depth, duplicate keys, UTF-8), so no body can exhaust the stack or smuggle a
// second value under a repeated key. Type checks of individual fields stay with each handler.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace acmepolicy::server {

/// Bodies nest at most this deep (a policy or a webhook event needs fewer than ten levels).
constexpr std::size_t kMaxBodyDepth = 32;
/// The largest body any route accepts.
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

struct JsonBody {
    std::optional<nlohmann::json> value;  // present when the body is acceptable JSON
    nlohmann::json diagnostics = nlohmann::json::array();  // why not, as the core's diagnostics
    std::string message;                                   // one sentence for the error body
};

/// Reads `text` strictly. Strings may be as long as the body (a webhook's raw_payload is long); what a
/// field may hold is for the route to check.
JsonBody read_json_body(const std::string& text);

/// The string at `key` of `object`: nullopt when absent or null, and `ok` set false when present with
/// another type (so a handler can answer 4xx instead of throwing).
std::optional<std::string> string_field(const nlohmann::json& object, const char* key, bool& ok);

}  // namespace acmepolicy::server
