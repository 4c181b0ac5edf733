// `acmepolicy serve`: the REST API, portal, MDM webhook and command outbox (see docs/server.md).
#include <iostream>

#include "command.hpp"
#include "server/config.hpp"
#include "server/serve.hpp"

namespace {

int run_serve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    bool help = false;
    auto config = acmepolicy::server::parse_config(args, acmepolicy::server::acmepolicy_environment(), err, help);
    if (help) {
        acmepolicy::server::print_serve_help(out);
        return acmepolicy::cli::kExitOk;
    }
    if (!config) return acmepolicy::cli::kExitUsage;
    return acmepolicy::server::run_server(*config, out, err) == 0 ? acmepolicy::cli::kExitOk
                                                                   : acmepolicy::cli::kExitUsage;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("serve", "Run the REST API, portal, MDM webhook and command outbox", run_serve);
