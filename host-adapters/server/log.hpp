// Structured logs: one JSON object a line on standard error, safe to call from any thread.
// Callers never pass secrets (tokens, keys, HMAC keys); the token file's path is logged, not its content.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace acmepolicy::server {

/// Writes {"time", "level", "msg", ...fields} as one line. `fields` must be a JSON object (or null).
void log_line(const char* level, const std::string& message, const nlohmann::json& fields = nullptr);
inline void log_info(const std::string& m, const nlohmann::json& f = nullptr) { log_line("info", m, f); }
inline void log_warn(const std::string& m, const nlohmann::json& f = nullptr) { log_line("warn", m, f); }
inline void log_error(const std::string& m, const nlohmann::json& f = nullptr) { log_line("error", m, f); }

/// Current time as RFC 3339 UTC with milliseconds ("2026-11-28T12:00:00.123Z").
std::string now_rfc3339_ms();
/// A Unix time in milliseconds as RFC 3339 UTC with milliseconds (the journal's received_at form).
std::string rfc3339_ms(std::int64_t unix_ms);
/// Current time as RFC 3339 UTC seconds ("2026-11-28T12:00:00Z"), the form the core takes as "now".
std::string now_rfc3339();
/// Seconds since the epoch (UTC), with millisecond precision.
double now_seconds();

/// `n` random bytes from the operating system (/dev/urandom); throws std::runtime_error on failure.
std::string random_bytes(std::size_t n);

}  // namespace acmepolicy::server
