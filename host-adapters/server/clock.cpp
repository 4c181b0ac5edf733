// The wall clock and its test-only offset (see clock.hpp).
#include "server/clock.hpp"

#include <chrono>
#include <cstdlib>
#include <string>

namespace acmepolicy::server {

namespace {

std::int64_t offset_ms() {
#ifdef ACMEPOLICY_SERVER_TEST_CLOCK
    static const std::int64_t offset = [] {
        const char* text = std::getenv("ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS");
        if (!text || !*text) return std::int64_t{0};
        try {
            return static_cast<std::int64_t>(std::stod(text) * 1000);
        } catch (...) {
            return std::int64_t{0};
        }
    }();
    return offset;
#else
    return 0;
#endif
}

}  // namespace

std::int64_t clock_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
               .count() +
           offset_ms();
}

}  // namespace acmepolicy::server
