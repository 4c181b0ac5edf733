// The pre-renderer: renders and signs queued InstallProfile commands ahead of their first send, in batches
// on a reader connection, so that a policy edit reaching a whole fleet is rendered and signed within
// seconds instead of at the pace the MDM accepts commands. The outbox's sender still checks, just before
// it sends a pre-rendered command, that its policy version is current (Engine::superseded_install), and
// still renders whatever the pre-renderer left (failures, frozen policies, commands it has not reached).
#pragma once

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
    /// Renders every unrendered queued install once, oldest first; returns how many were stored.
    int render_all();

    ServerContext& ctx_;
    Wakeup wakeup_;
    std::thread thread_;
};

}  // namespace acmepolicy::server
