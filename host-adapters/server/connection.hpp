// The HTTP front's connection handling: cpp-httplib parses requests, but every byte it reads or writes goes
// through a stream that enforces hard limits a slow or hostile client cannot stretch:
//   - a request (headers and body) must arrive within one deadline counted from its first byte's wait;
//     trickling a byte at a time does not extend it (unlike a per-read timeout);
//   - a response must be taken by the client within one write deadline;
//   - a body may be at most `max_body` bytes as read off the wire (chunked or not), counted while reading;
//   - a handler may refuse to read the body at all (auth failure, declared length over the cap): the
//     connection then answers and closes without reading what the client still sends.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <httplib.h>

namespace acmepolicy::server {

struct ConnectionLimits {
    std::chrono::milliseconds request_read{20'000};  // whole request: headers and body
    std::chrono::milliseconds write{30'000};         // whole response
    std::chrono::milliseconds keep_alive{5'000};     // idle wait for the next request on a connection
    std::size_t max_body = 1024 * 1024;              // body bytes as read (chunk framing included)
    std::size_t keep_alive_max = 5;  // requests per connection, then it closes: with a worker per connection,
                                     // a busy keep-alive client must not keep its worker from queued ones
};

/// A plain HTTP server whose connections follow `limits`.
std::unique_ptr<httplib::Server> make_guarded_server(const ConnectionLimits& limits);
/// The same over TLS. nullptr when the certificate and key are not a usable pair.
std::unique_ptr<httplib::Server> make_guarded_tls_server(const ConnectionLimits& limits, const std::string& cert_pem_path,
                                                         const std::string& key_pem_path);

/// From a handler (pre-routing included): read nothing more from this connection; it closes after the
/// answer. A no-op outside a guarded connection.
void close_after_answer();

/// From the pre-routing handler of a request that will be refused: reads and drops its declared body of
/// `bytes` (within the request deadline) so the client, which sends before it reads, sees the answer.
/// False when the body did not arrive in time. Call only for bodies of a bounded size.
bool discard_request_body(std::size_t bytes);

/// How the current request's reading ended, for the error handler: the body broke the cap, or the request
/// deadline passed.
bool request_body_over_cap();
bool request_timed_out();

}  // namespace acmepolicy::server
