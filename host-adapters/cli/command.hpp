// The CLI's subcommand registry: each cmd_*.cpp registers one subcommand at start-up.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace acmepolicy::cli {

/// Exit codes shared by every subcommand (a public contract).
enum ExitCode : int { kExitOk = 0, kExitFindings = 1, kExitUsage = 2 };

struct Command {
    std::string name;
    std::string summary;  // one line for `acmepolicy --help`
    std::function<int(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)> run;
};

/// Registers a subcommand; used through ACMEPOLICY_CLI_COMMAND.
bool register_command(Command command);
const std::vector<Command>& commands();

}  // namespace acmepolicy::cli

#define ACMEPOLICY_CLI_CONCAT2(a, b) a##b
#define ACMEPOLICY_CLI_CONCAT(a, b) ACMEPOLICY_CLI_CONCAT2(a, b)
/// ACMEPOLICY_CLI_COMMAND("validate", "Validate policy documents", run_validate);
#define ACMEPOLICY_CLI_COMMAND(name, summary, fn)                                  \
    static const bool ACMEPOLICY_CLI_CONCAT(acmepolicy_cli_registered_, __LINE__) = \
        ::acmepolicy::cli::register_command({name, summary, fn})
