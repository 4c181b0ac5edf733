// step-ca's AUTHORIZING webhook for ACME device-attest-01 (POST /webhook/step-ca).
#pragma once

#include <string>

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// True iff `signature_hex` is the lower-case hex HMAC-SHA-256 of `body` keyed with the base64-decoded
/// `secret_b64` (step-ca's X-Smallstep-Signature). Constant-time comparison.
bool stepca_signature_valid(const std::string& secret_b64, const std::string& body, const std::string& signature_hex);

/// Registers POST /webhook/step-ca: after the signature check, allows issuance only when the attested
/// permanent identifier is the serial number or UDID of an enrolled device that has an ACME policy
/// assigned (pending or installed). Answers 200 {"allow": bool, "error"?} as step-ca expects.
void add_stepca_route(Router& router, ServerContext& ctx);

}  // namespace acmepolicy::server
