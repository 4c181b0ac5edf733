// Structured JSON-lines logging, clock and randomness for the server (the core takes both as inputs).
#include "server/log.hpp"

#include "server/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <stdexcept>

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
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    std::string bytes(n, '\0');
    if (!urandom.read(bytes.data(), static_cast<std::streamsize>(n)))
        throw std::runtime_error("cannot read /dev/urandom");
    return bytes;
}

}  // namespace acmepolicy::server
