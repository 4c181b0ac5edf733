// Structured JSON-lines logging, clock and randomness for the server (the core takes both as inputs).
#include "server/log.hpp"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "server/clock.hpp"

namespace acmepolicy::server {

namespace {
std::mutex log_mutex;

std::string format_time(std::int64_t ms, bool with_ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out(buf);
    if (with_ms) {
        char frac[8];
        std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
        out += frac;
    }
    return out + "Z";
}

std::int64_t now_ms() { return clock_now_ms(); }
}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) { return format_time(unix_ms, true); }
std::string now_rfc3339_ms() { return format_time(now_ms(), true); }
std::string now_rfc3339() { return format_time(now_ms(), false); }
double now_seconds() { return static_cast<double>(now_ms()) / 1000.0; }

void log_line(const char* level, const std::string& message, const nlohmann::json& fields) {
    nlohmann::json line = {{"time", now_rfc3339_ms()}, {"level", level}, {"msg", message}};
    if (fields.is_object()) {
        for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = *it;
    }
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(log_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

std::string random_bytes(std::size_t n) {
    // getrandom(2): the kernel's CSPRNG without opening a file per call (every command takes 64 bytes).
    std::string bytes(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::getrandom(bytes.data() + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("cannot read the kernel's random numbers: ") + std::strerror(errno));
        }
        got += static_cast<std::size_t>(r);
    }
    return bytes;
}

}  // namespace acmepolicy::server
