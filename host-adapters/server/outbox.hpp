// The command outbox sender: claims due commands from the store and enqueues them at the MDM (NanoMDM
// `PUT /v1/enqueue/{id}` or MicroMDM `POST /v1/commands/{udid}`), retrying transport failures with
// exponential backoff. Commands live in the database, so a restart resumes where the last run stopped.
#pragma once

#include <optional>
#include <string>
#include <thread>

#include "server/context.hpp"
#include "server/prerender.hpp"
#include "server/wakeup.hpp"

namespace acmepolicy::server {

/// What the MDM said about one enqueue request.
struct EnqueueOutcome {
    enum Kind { enqueued, rejected, retry } kind = retry;
    std::string detail;  // push_error, command_error, HTTP status or transport error: for logs and state
    std::optional<int> http_status;  // none for a transport error
    std::string answer;              // the MDM's answer body (an excerpt), or the transport error
};

/// Sends one command plist; never throws. Transport errors name the host and the cause.
EnqueueOutcome send_to_mdm(const ServerConfig& config, const std::string& mdm_id, const std::string& plist);

/// Interprets a NanoMDM enqueue reply: HTTP status and its JSON (APIResult). A `command_error` means the
/// command was not stored (rejected) — except when it says the CommandUUID is already stored, which
/// happens when an earlier attempt reached NanoMDM but its answer was lost: that command is enqueued. A
/// `push_error` alone means it was stored but the push failed, which leaves the command pending on the
/// device (enqueued).
EnqueueOutcome interpret_nanomdm_reply(int http_status, const std::string& body);

/// Whether a NanoMDM command_error says the command's UUID is already stored (a repeated enqueue).
bool is_repeated_uuid_error(const std::string& command_error);

class Outbox {
public:
    explicit Outbox(ServerContext& ctx) : ctx_(ctx) {}
    ~Outbox() { stop(); }
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    void start();
    void stop();
    /// Wakes the sender now (commands were queued).
    void wake();

private:
    void run();
    /// Sends every due command once; returns how many were claimed.
    int drain();
    /// Re-queues installs a device answered with Error once their retry time has come (new CommandUUID).
    void retry_failed_installs();
    /// Deletes journaled events older than --event-retention-days, at most once an hour.
    void prune_events_if_due();
    std::int64_t last_prune_ms_ = 0;

    ServerContext& ctx_;
    Prerenderer prerenderer_{ctx_};  // renders and signs queued installs ahead of the sender
    Wakeup wakeup_;
    std::thread thread_;
};

}  // namespace acmepolicy::server
