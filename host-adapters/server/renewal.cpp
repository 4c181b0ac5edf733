// CertificateList answers matched to policies, and renewals started, proven or given up.
#include "server/renewal.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/device.hpp"
#include "server/inventory.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

namespace {

std::optional<DeviceRecord> record_of(const DeviceRow& row) {
    auto json = nlohmann::json::parse(row.record, nullptr, false);
    if (json.is_discarded()) return std::nullopt;
    Report ignored;
    return read_device(json, "", ignored);
}

/// Whether renewing makes sense: the profile (or declarative credential) is on the device as far as the
/// server knows.
bool renewable(ServerContext& ctx, Db& db, const std::string& device_id, const std::string& policy_id) {
    auto a = ctx.store->assignment(db, device_id, policy_id);
    return a && a->status == "installed";
}

RenewalDecision decide(const ServerConfig& config, const RenewalRow& r, const Policy& policy, std::int64_t now) {
    CertificateValidity validity{r.cert_not_before.value_or(0), r.cert_not_after.value_or(0)};
    return decide_renewal(validity, renewal_rule(policy), r.last_renewal_at, r.device_id, renewal_options(config, now));
}

/// Starts a renewal: the next generation changes the profile's UUIDs (and a declarative credential's
/// ServerTokens), and reconciling sends it (InstallProfile, or DeclarativeManagement to synchronise).
int start_renewal(ServerContext& ctx, Db& db, RenewalRow& r, const RenewalDecision& decision, std::int64_t now) {
    r.generation += 1;
    r.state = "renewing";
    r.reason.clear();
    r.started_at = now;
    r.last_renewal_at = now;
    r.old_sha256 = r.cert_sha256;
    r.renew_at.reset();
    save_renewal(db, r);
    log_info("certificate renewal started",
             {{"device", r.device_id}, {"policy", r.policy_id}, {"state", to_string(decision.state)},
              {"not_after", r.cert_not_after ? format_rfc3339(*r.cert_not_after) : ""}, {"generation", r.generation}});
    const int queued = reconcile_devices(ctx, db, {r.device_id});
    // The renewal's InstallProfile counts against --max-commands-per-minute like the inventory commands.
    if (auto a = ctx.store->assignment(db, r.device_id, r.policy_id); a && !a->last_command_uuid.empty())
        db.query("UPDATE commands SET next_attempt_at = $2 WHERE command_uuid = $1 AND status = 'queued' AND attempts = 0",
                 {a->last_command_uuid, pace_certificate_command(ctx.config, now_ms())});
    return queued;
}

/// Applies one policy's match on a device: the certificate it holds now, a renewal proven, one started.
int observe(ServerContext& ctx, Db& db, const std::string& device_id, const std::string& policy_id, const Policy& policy,
            const DeviceCertificate* cert, std::int64_t now) {
    RenewalRow fresh;
    fresh.device_id = device_id;
    fresh.policy_id = policy_id;
    RenewalRow r = renewal_of(db, device_id, policy_id).value_or(fresh);
    if (!cert) {
        // Nothing matched: nothing to renew (the plan installs a missing profile); a renewal in progress
        // keeps waiting for its certificate until it times out.
        r.cert_sha256.clear();
        r.cert_serial.clear();
        r.cert_not_before.reset();
        r.cert_not_after.reset();
        r.renew_at.reset();
        save_renewal(db, r);
        return 0;
    }
    const CertificateInfo& info = cert->info;
    if (r.state == "renewing" && info.sha256_fingerprint != r.old_sha256 &&
        (!r.cert_not_after || info.not_after >= *r.cert_not_after)) {
        r.state = "renewed";
        r.reason.clear();
        r.renewed_not_after = info.not_after;
        r.renewed_at = now;
        log_info("certificate renewed", {{"device", device_id}, {"policy", policy_id},
                                         {"not_after", format_rfc3339(info.not_after)}, {"serial", info.serial_hex}});
    }
    r.cert_sha256 = info.sha256_fingerprint;
    r.cert_serial = info.serial_hex;
    r.cert_not_before = info.not_before;
    r.cert_not_after = info.not_after;
    RenewalDecision decision = decide(ctx.config, r, policy, now);
    if (decision.due() && r.state != "renewing" && renewable(ctx, db, device_id, policy_id))
        return start_renewal(ctx, db, r, decision, now);
    r.renew_at = r.state == "renewing" ? std::nullopt : std::optional<std::int64_t>(decision.renew_at);
    save_renewal(db, r);
    return 0;
}

/// Why a renewal produced no new certificate, from what became of the profile sent again.
std::string failure_reason(ServerContext& ctx, Db& db, const RenewalRow& r) {
    const std::string hours = std::to_string(ctx.config.renewal_timeout_hours);
    std::string why = "No newer certificate was reported within " + hours.substr(0, hours.find('.') + 3) +
                      " hours of sending the profile again: ";
    auto a = ctx.store->assignment(db, r.device_id, r.policy_id);
    if (!a) return why + "the assignment is gone.";
    if (a->status == "installed")
        return why + "the device installed it, but its certificate list still shows the old certificate (did the ACME order fail?).";
    if (a->status == "failed")
        return why + "the device or the MDM refused it (" + (a->last_error.empty() ? "no error kept" : a->last_error) + ").";
    if (a->status == "pending") return why + "the device has not acknowledged it yet (is it offline?).";
    return why + "the profile is " + a->status + ".";
}

std::optional<Policy> stored_policy(ServerContext& ctx, Db& db, const std::string& policy_id) {
    auto row = ctx.store->policy(db, policy_id);
    if (!row) return std::nullopt;
    StoredPolicy stored = ctx.engine->check_stored(*row);
    if (stored.frozen || !stored.check.policy) return std::nullopt;
    return *stored.check.policy;
}

}  // namespace

RenewalOptions renewal_options(const ServerConfig& config, std::int64_t now) {
    RenewalOptions o;
    o.now = now;
    o.min_interval_seconds = static_cast<std::int64_t>(config.renewal_min_interval_hours * 3600.0);
    o.spread_seconds = static_cast<std::int64_t>(config.renewal_spread_hours * 3600.0);
    return o;
}

const std::vector<CertificateInfo>& issuer_chain(const ServerConfig& config) {
    static std::mutex mutex;
    static std::map<std::string, std::vector<CertificateInfo>> loaded;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = loaded.find(config.issuer_chain);
    if (it != loaded.end()) return it->second;
    std::vector<CertificateInfo> chain;
    if (!config.issuer_chain.empty()) {
        std::ifstream file(config.issuer_chain, std::ios::binary);
        std::string pem((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        CertificateChainRead read = read_pem_certificates(pem);
        if (!read.error.empty()) log_error("cannot read --issuer-chain", {{"file", config.issuer_chain}, {"error", read.error}});
        chain = std::move(read.certificates);
    }
    return loaded.emplace(config.issuer_chain, std::move(chain)).first->second;
}

int apply_certificate_list(ServerContext& ctx, Db& db, const std::string& device_id, std::string_view plist_bytes) {
    CertificateListRead read = read_certificate_list(plist_bytes);
    if (!read.ok()) {
        const auto& d = read.report.diagnostics();
        log_warn("unusable CertificateList answer",
                 {{"device", device_id}, {"code", d.empty() ? "" : d.front().code}, {"message", d.empty() ? "" : d.front().message}});
        return 0;
    }
    auto row = ctx.store->device(db, device_id);
    auto record = row ? record_of(*row) : std::nullopt;
    if (!record) return 0;
    const std::int64_t now = now_ms() / 1000;
    std::vector<std::string> matched_policy(read.certificates.size());
    int queued = 0;
    for (const auto& a : ctx.store->assignments_of_device(db, device_id)) {
        if (a.status == "removed" || a.status == "removing") continue;
        auto policy = stored_policy(ctx, db, a.policy_id);
        if (!policy) continue;
        CertificateMatcher matcher(*policy, issuer_chain(ctx.config), ctx.engine->base_options().client_token_secret);
        CertificateMatcher::Match match = matcher.match(*record, read.certificates);
        const DeviceCertificate* cert = match.index ? &read.certificates[*match.index] : nullptr;
        if (match.index && matched_policy[*match.index].empty()) matched_policy[*match.index] = a.policy_id;
        queued += observe(ctx, db, device_id, a.policy_id, *policy, cert, now);
    }
    std::vector<StoredCertificate> stored;
    for (std::size_t i = 0; i < read.certificates.size(); ++i) {
        const DeviceCertificate& c = read.certificates[i];
        StoredCertificate s;
        s.device_id = device_id;
        s.sha256 = c.info.sha256_fingerprint;
        s.common_name = c.common_name;
        s.subject = c.info.subject;
        s.issuer = c.info.issuer;
        s.serial = c.info.serial_hex;
        s.key_type = c.info.key_type;
        s.key_bits = static_cast<std::int64_t>(c.info.key_bits);
        s.not_before = c.info.not_before;
        s.not_after = c.info.not_after;
        s.is_identity = c.is_identity;
        s.policy_id = matched_policy[i];
        s.data = crypto::base64_encode(c.info.der);
        stored.push_back(std::move(s));
    }
    replace_device_certificates(db, device_id, stored);
    note_inventory_answer(db, device_id, "certificates", now);
    log_info("certificate list stored", {{"device", device_id}, {"certificates", stored.size()},
                                         {"skipped", read.report.diagnostics().size()}});
    return queued;
}

int renewal_pass(ServerContext& ctx) {
    Store& store = *ctx.store;
    int queued = 0;
    const std::int64_t now = now_ms() / 1000;
    const auto timeout = static_cast<std::int64_t>(ctx.config.renewal_timeout_hours * 3600.0);
    for (const auto& late : store.read_transaction([&](Db& db) { return renewals_timed_out(db, now - timeout, 100); })) {
        store.transaction([&](Db& db) {
            auto r = renewal_of(db, late.device_id, late.policy_id);
            if (!r || r->state != "renewing") return;
            r->state = "renewal_failed";
            r->reason = failure_reason(ctx, db, *r);
            // Tried again once the minimum interval has passed since the failure.
            r->last_renewal_at = now;
            if (auto policy = stored_policy(ctx, db, r->policy_id); policy && r->has_certificate())
                r->renew_at = decide(ctx.config, *r, *policy, now).renew_at;
            save_renewal(db, *r);
            log_warn("certificate renewal failed", {{"device", r->device_id}, {"policy", r->policy_id}, {"reason", r->reason}});
        });
    }
    for (const auto& due : store.read_transaction([&](Db& db) { return renewals_due(db, now, 100); })) {
        queued += store.transaction([&](Db& db) -> int {
            auto r = renewal_of(db, due.device_id, due.policy_id);
            if (!r || r->state == "renewing" || !r->renew_at || *r->renew_at > now) return 0;
            if (!claim_due_renewal(db, r->device_id, r->policy_id, *r->renew_at)) return 0;  // another instance's
            auto device = ctx.store->device(db, r->device_id);
            auto policy = stored_policy(ctx, db, r->policy_id);
            if (!device || !device->enrolled || !policy || !r->has_certificate()) {
                r->renew_at.reset();  // the next CertificateList decides again
                save_renewal(db, *r);
                return 0;
            }
            RenewalDecision decision = decide(ctx.config, *r, *policy, now);
            if (decision.due() && renewable(ctx, db, r->device_id, r->policy_id))
                return start_renewal(ctx, db, *r, decision, now);
            // Not installed right now (an install is on its way): look again after the minimum interval.
            r->renew_at = decision.due() ? now + std::max<std::int64_t>(60, renewal_options(ctx.config, now).min_interval_seconds)
                                         : decision.renew_at;
            save_renewal(db, *r);
            return 0;
        });
    }
    return queued;
}

}  // namespace acmepolicy::server
