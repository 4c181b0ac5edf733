// The pre-renderer.
#include "server/prerender.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "server/engine.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

namespace {
/// Commands per read and per write transaction: large enough that transaction overhead is small, small
/// enough that the write lock is held for a few milliseconds at a time (webhook intake waits on it).
constexpr int kBatch = 128;
/// Also looks without being woken: another instance (PostgreSQL) may have queued commands.
constexpr auto kPollInterval = std::chrono::milliseconds(2000);

/// Threads that render and sign at once: one per core, at most 3 (the renderer lanes left beside the
/// outbox's sender). While one thread stores its batch (the writer is serialised), the others render.
int render_threads() {
    const unsigned cores = std::thread::hardware_concurrency();
    return static_cast<int>(std::clamp(cores, 1u, 3u));
}
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
    {
        std::lock_guard<std::mutex> lock(cursor_mutex_);
        cursor_ = 0;
    }
    std::vector<std::thread> helpers;
    std::vector<int> helper_stored(static_cast<std::size_t>(render_threads() - 1), 0);
    for (auto& count : helper_stored)
        helpers.emplace_back([this, &count] {
            try {
                count = render_batches();
            } catch (const std::exception& e) {
                log_warn("pre-rendering stopped for this round", {{"error", e.what()}});
            }
        });
    int stored = 0;
    try {
        stored = render_batches();
    } catch (...) {
        for (auto& t : helpers) t.join();
        throw;
    }
    for (auto& t : helpers) t.join();
    for (int count : helper_stored) stored += count;
    return stored;
}

int Prerenderer::render_batches() {
    Store& store = *ctx_.store;
    Engine& engine = *ctx_.engine;
    int stored = 0;
    for (;;) {
        if (wakeup_.stopping()) return stored;
        std::vector<CommandRow> batch;
        Engine::QueuedRows rows;
        {
            // Batches are taken in sequence order, one thread at a time, so no command is rendered twice.
            std::lock_guard<std::mutex> lock(cursor_mutex_);
            store.read_transaction([&](Db& db) {
                batch = store.unrendered_installs(db, cursor_, kBatch);
                if (!batch.empty()) rows = engine.read_queued_rows(db, batch);
            });
            if (batch.empty()) return stored;
            cursor_ = batch.back().created_seq;
        }
        auto renders = engine.render_queued_installs(rows, batch);
        store.redoable_transaction([&](Db& db) {
            for (std::size_t i = 0; i < batch.size(); ++i)
                if (renders[i].outcome == Engine::QueuedRender::ready &&
                    store.set_unsent_payload(db, batch[i].command_uuid, renders[i].payload))
                    ++stored;
        });
    }
}

}  // namespace acmepolicy::server
