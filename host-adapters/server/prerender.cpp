// The pre-renderer.
#include "server/prerender.hpp"

#include <chrono>

#include "server/engine.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

namespace {
/// Commands per read and per write transaction: large enough that transaction overhead is small, small
/// enough that the write lock is held for a few milliseconds at a time (webhook intake waits on it).
constexpr int kBatch = 128;
/// Also looks without being woken: another instance (PostgreSQL) may have queued commands.
constexpr auto kPollInterval = std::chrono::milliseconds(2000);
}  // namespace

void Prerenderer::start() {
    wakeup_.restart();
    thread_ = std::thread([this] { run(); });
}

void Prerenderer::stop() {
    wakeup_.stop();
    if (thread_.joinable()) thread_.join();
}

void Prerenderer::run() {
    while (wakeup_.wait(kPollInterval)) {
        try {
            if (int stored = render_all(); stored > 0) log_info("InstallProfile commands rendered ahead", {{"count", stored}});
        } catch (const std::exception& e) {
            // The sender renders whatever is left; nothing is lost by stopping a round here.
            log_warn("pre-rendering stopped for this round", {{"error", e.what()}});
        }
    }
}

int Prerenderer::render_all() {
    Store& store = *ctx_.store;
    std::int64_t after = 0;
    int stored = 0;
    for (;;) {
        if (wakeup_.stopping()) return stored;
        auto batch = store.read_transaction([&](Db& db) { return store.unrendered_installs(db, after, kBatch); });
        if (batch.empty()) return stored;
        after = batch.back().created_seq;
        auto renders = store.read_transaction([&](Db& db) { return ctx_.engine->render_queued_installs(db, batch); });
        store.transaction([&](Db& db) {
            for (std::size_t i = 0; i < batch.size(); ++i)
                if (renders[i].outcome == Engine::QueuedRender::ready &&
                    store.set_unsent_payload(db, batch[i].command_uuid, renders[i].payload))
                    ++stored;
        });
    }
}

}  // namespace acmepolicy::server
