// `acmepolicy serve`: opens the store, starts the outbox and the HTTP(S) server, runs until SIGINT/SIGTERM.
#pragma once

#include <ostream>

#include "server/config.hpp"

namespace acmepolicy::server {

/// Runs the server with `config` (already checked by parse_config). Prints the URL to `out` once it
/// listens. Returns 0 after a clean stop, 2 when it cannot start (the reason is logged and written to err).
int run_server(const ServerConfig& config, std::ostream& out, std::ostream& err);

}  // namespace acmepolicy::server
