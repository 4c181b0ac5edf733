// How the server's background threads (the outbox sender, the pre-renderer) sleep: until woken (work was
// queued), until stopped, or until their poll interval passes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace acmepolicy::server {

class Wakeup {
public:
    /// Ends the next or current wait early (work is waiting).
    void wake() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            woken_ = true;
        }
        cv_.notify_all();
    }
    /// Makes every wait return false from now on (until restart()).
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
    }
    /// Before the thread starts again; leaves it woken, so its first round runs at once.
    void restart() {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false;
        woken_ = true;
    }
    /// Sleeps until woken, stopped or `timeout`, and clears the wake. False when stopping.
    bool wait(std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, timeout, [this] { return stopping_ || woken_; });
        woken_ = false;
        return !stopping_;
    }
    bool stopping() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stopping_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    bool woken_ = false;
};

}  // namespace acmepolicy::server
