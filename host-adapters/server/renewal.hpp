// Certificates on every device and their renewal (docs/lifecycle.md, "The server"). A CertificateList
// answer is read, matched to the device's policies and stored with the core (read_certificate_list,
// CertificateMatcher); the core's decide_renewal says when a profile is sent again. Renewing raises the
// pair's renewal generation, which changes the profile's PayloadUUIDs (RenderOptions::renewal), and
// reconciles the device: the plan then sends the profile as an update with the same PayloadIdentifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "server/context.hpp"
#include "server/lifecycle_store.hpp"

namespace acmepolicy::server {

/// Applies a device's CertificateList answer (the plist bytes as sent). Returns how many commands were queued.
int apply_certificate_list(ServerContext& ctx, Db& db, const std::string& device_id, std::string_view plist_bytes);

/// Renewals whose time has come and renewals that timed out (renewal_failed). Returns commands queued.
int renewal_pass(ServerContext& ctx);

/// The host's settings of the core's renewal decision, at `now` (Unix seconds).
RenewalOptions renewal_options(const ServerConfig& config, std::int64_t now);

/// The ACME server's chain from --issuer-chain (read once), for matching certificates to policies.
const std::vector<CertificateInfo>& issuer_chain(const ServerConfig& config);

}  // namespace acmepolicy::server
