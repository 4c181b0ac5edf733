// The pre-renderer: renders and signs queued InstallProfile commands ahead of their first send, in batches
// read on a reader connection and rendered on a few threads side by side (signing is CPU-bound), so that
// a policy edit reaching a whole fleet is rendered and signed within seconds instead of at the pace the
// MDM accepts commands. The outbox's sender still checks, just before
// it sends a pre-rendered command, that its policy version is current (Engine::superseded_install), and
// still renders whatever the pre-renderer left (failures, frozen policies, commands it has not reached).
#pragma once

#include <cstdint>
#include <mutex>
#include <thread>

#include "server/context.hpp"
#include "server/wakeup.hpp"

namespace acmepolicy::server {

class Prerenderer {
public:
    explicit Prerenderer(ServerContext& ctx) : ctx_(ctx) {}
    ~Prerenderer() { stop(); }
    Prerenderer(const Prerenderer&) = delete;
    Prerenderer& operator=(const Prerenderer&) = delete;

    void start();
    /// Stops after the batch in hand; its renders are stored or dropped (the sender renders them later).
    void stop();
    /// Looks for unrendered commands now (commands were queued).
    void wake() { wakeup_.wake(); }

private:
    void run();
    /// Renders every unrendered queued install once, oldest first, on kThreads threads; returns how many
    /// were stored.
    int render_all();
    /// One thread's share of render_all: takes the next batch after `cursor_`, renders and signs it
    /// without a connection, stores it, until none is left or stop() was called.
    int render_batches();

    ServerContext& ctx_;
    Wakeup wakeup_;
    std::thread thread_;
    std::mutex cursor_mutex_;
    std::int64_t cursor_ = 0;  // created_seq of the last command a thread of this round took
};

}  // namespace acmepolicy::server
