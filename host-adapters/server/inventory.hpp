// Inventory freshness (docs/lifecycle.md, "The server"): after each TokenUpdate, after an acknowledged
// InstallProfile and every --inventory-interval-hours (jittered) the server asks the device for
// DeviceInformation, ProfileList and CertificateList. Their answers update the device record and the
// assignments, store the certificates, and reconcile the device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "server/context.hpp"

namespace acmepolicy::server {

/// The request types this file sends.
bool is_inventory_request(const std::string& request_type);

/// Queues DeviceInformation, ProfileList and CertificateList for an enrolled device (unless some are still
/// waiting to be sent), paced by --max-commands-per-minute, and schedules the next inventory. Returns how
/// many commands were queued (0 when --inventory-interval-hours is 0).
int queue_inventory(ServerContext& ctx, Db& db, const std::string& device_id);

/// Runs in the webhook's transaction after an event was applied: a TokenUpdate (`reconciled` names the
/// device) or an acknowledged InstallProfile asks for an inventory; an inventory answer is applied. `inner`
/// is the event's checkin_event/acknowledge_event. Returns how many commands were queued.
int after_mdm_event(ServerContext& ctx, Db& db, const std::string& topic, const nlohmann::json& inner,
                    const std::vector<std::string>& reconciled);

/// The periodic part, run by the outbox thread: due inventories, due and timed-out renewals. Each device
/// in its own transaction. Returns how many commands were queued.
int lifecycle_pass(ServerContext& ctx);

/// The earliest time (Unix ms) the next certificate-related command of this instance may be sent: at most
/// --max-commands-per-minute, evenly spaced. Each call takes one slot.
std::int64_t pace_certificate_command(const ServerConfig& config, std::int64_t now_ms);

}  // namespace acmepolicy::server
