// `acmepolicy remove-command`: the RemoveProfile MDM command for an installed profile, named by its recorded
// PayloadIdentifier (or a policy id and prefix), through api_render_remove_command: no policy file needed.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "cli_support.hpp"
#include "command.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy remove-command (--identifier ID | --policy-id ID [--identifier-prefix P])\n"
    "                                 [--command-uuid UUID] [-o OUT]\n"
    "\n"
    "Renders the RemoveProfile MDM command (XML plist) for the profile a device has installed, without the\n"
    "policy document (docs/rendering.md, \"RemoveProfile without the policy\").\n"
    "\n"
    "  --identifier ID          the profile's PayloadIdentifier as recorded (a plan's or the state's)\n"
    "  --policy-id ID           or the policy's id: the core derives <prefix>.<policy id>\n"
    "  --identifier-prefix P    with --policy-id: the reverse-DNS prefix (default com.example.acmepolicy)\n"
    "  --command-uuid UUID      the CommandUUID (default: a random v4 UUID)\n"
    "  -o, --output FILE        write here (default: standard output)\n"
    "\n"
    "Exit: 0 rendered, 1 the identifier or prefix is refused (diagnostics on stderr), 2 usage or I/O.\n";

int run_remove_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    for (const auto& a : raw_args) args.push_back(a == "-o" ? "--output" : a);
    ArgScanner scanner(args);
    if (auto done = scan_arguments(scanner, {"--identifier", "--policy-id", "--identifier-prefix", "--command-uuid",
                                             "--output"},
                                   {}, kUsage, out, err))
        return *done;
    if (!scanner.positional().empty()) {
        err << "error: unexpected argument '" << scanner.positional().front() << "'\n" << kUsage;
        return kExitUsage;
    }
    nlohmann::json options = nlohmann::json::object();
    if (auto v = scanner.value("--identifier")) options["payload_identifier"] = *v;
    if (auto v = scanner.value("--policy-id")) options["policy_id"] = *v;
    if (auto v = scanner.value("--identifier-prefix")) options["identifier_prefix"] = *v;
    if (auto v = scanner.value("--command-uuid")) {
        options["command_uuid"] = *v;
    } else {
        auto random = random_hex(16, err);
        if (!random) return kExitUsage;
        options["random_hex"] = *random;
    }
    const ApiResult result = api_render_remove_command(options.dump());
    const nlohmann::json answer = nlohmann::json::parse(result.json, nullptr, false);
    if (result.status == ApiStatus::ok)
        return write_output(scanner.value("--output").value_or("-"), result.bytes, out, err) ? kExitOk : kExitUsage;
    if (result.status == ApiStatus::invalid_input) {
        for (const auto& d : answer.value("diagnostics", nlohmann::json::array()))
            err << d.value("path", "") << ": " << d.value("severity", "error") << "[" << d.value("code", "")
                << "]: " << d.value("message", "") << "\n";
        return kExitFindings;
    }
    err << "error: " << answer.value("error", nlohmann::json::object()).value("message", result.json) << "\n"
        << kUsage;
    return kExitUsage;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("remove-command", "Render RemoveProfile for an installed profile by its identifier",
                       run_remove_command);

}  // namespace acmepolicy::cli
