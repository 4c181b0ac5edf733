// Intake of NanoMDM / MicroMDM webhook events (POST /webhook): check-ins and command reports.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "server/context.hpp"

namespace acmepolicy::server {

struct WebhookReply {
    int status = 200;
    nlohmann::json body;
};

/// Verifies the optional HMAC (X-Hmac-Signature: base64 HMAC-SHA-256 of the exact body, compared in
/// constant time), stores the event and applies it in one transaction, and only then answers 200: an event
/// answered 200 is never lost. A wrong signature (401) or a body that is not an event (400) stores nothing.
WebhookReply handle_mdm_webhook(ServerContext& ctx, const std::string& body, const std::string& signature);

/// True iff `signature_b64` is the base64 HMAC-SHA-256 of `body` under `key` (constant-time compare).
bool mdm_signature_valid(const std::string& key, const std::string& body, const std::string& signature_b64);

}  // namespace acmepolicy::server
