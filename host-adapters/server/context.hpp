// What every part of the running server shares: settings, store, core bridge, outbox, admin token.
#pragma once

#include <memory>
#include <string>

#include "server/config.hpp"
#include "server/engine.hpp"
#include "server/store.hpp"

namespace acmepolicy::server {

class Outbox;

struct ServerContext {
    ServerConfig config;
    std::unique_ptr<Store> store;
    std::unique_ptr<Engine> engine;
    Outbox* outbox = nullptr;  // wakes the sender after commands were queued; may be null in tests
    std::string admin_token;
    std::string version;
};

/// Reconciles `device_ids` inside `db`'s transaction (see Engine::reconcile).
int reconcile_devices(ServerContext& ctx, Db& db, const std::vector<std::string>& device_ids);

/// Wakes the outbox (call after the transaction that queued commands committed).
void wake_outbox(ServerContext& ctx);

}  // namespace acmepolicy::server
