// `acmepolicy plan --inventory INV.json --state STATE.json POLICY.json... [--format text|json]`: the
// profiles to install, update or remove so devices match the policies (docs/assignment.md).
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "assign_cli.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy plan --inventory INV.json --state STATE.json POLICY.json... [--format text|json]\n"
    "                       [--identifier-prefix com.example] [--client-token-secret-file FILE]\n"
    "\n"
    "Compares what devices should have (the resolution) with what they have installed (the state) and\n"
    "prints the actions: install (new), update (content changed: new PayloadUUID) and remove (carries the\n"
    "PayloadIdentifier for RemoveProfile). Devices already up to date get no action.\n"
    "\n"
    "  --state FILE                   {\"devices\": {\"<device id>\": {\"<policy id>\": {\"payload_identifier\",\n"
    "                                 \"payload_uuid\"}}}}\n"
    "  --identifier-prefix PREFIX     the reverse-DNS prefix profiles are rendered with (as for render)\n"
    "  --client-token-secret-file F   the server secret for {{client_token}} (first line of the file)\n"
    "  --format text|json             text (default): one action per line; json: the api_plan document\n"
    "\n"
    "Exit: 0 planned, 1 an input has errors (or a profile could not be rendered), 2 usage, unreadable\n"
    "file or invalid JSON.\n";

int run_plan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    const std::vector<std::string> with_value = {"--inventory", "--state", "--format", "--identifier-prefix",
                                                 "--client-token-secret-file"};
    if (auto done = scan_arguments(scanner, with_value, {}, kUsage, out, err)) return *done;
    const auto chosen_format = text_or_json_format(scanner, err);
    if (!chosen_format) return kExitUsage;
    const std::string& format = *chosen_format;
    const auto inventory_path = scanner.value("--inventory");
    const auto state_path = scanner.value("--state");
    if (!inventory_path || !state_path || scanner.positional().empty()) {
        err << "error: give --inventory, --state and at least one policy file\n" << kUsage;
        return kExitUsage;
    }
    nlohmann::json options = nlohmann::json::object();
    if (auto prefix = scanner.value("--identifier-prefix")) options["identifier_prefix"] = *prefix;
    if (auto secret_path = scanner.value("--client-token-secret-file")) {
        auto secret = assign::read_document(*secret_path, err);
        if (!secret) return kExitUsage;
        options["client_token_secret"] = secret->substr(0, secret->find_first_of("\r\n"));
    }
    const auto inventory = assign::read_document(*inventory_path, err);
    if (!inventory) return kExitUsage;
    const auto state = assign::read_document(*state_path, err);
    if (!state) return kExitUsage;
    const auto policies = assign::read_policy_files(scanner.positional(), err);
    if (!policies) return kExitUsage;

    const ApiResult result = api_plan(*inventory, *policies, *state, options.dump());
    return assign::answer(result, format, out, err, [&out](const nlohmann::json& document) {
        assign::print_diagnostics(out, "plan", document["diagnostics"]);
        for (const auto& a : document["actions"]) {
            out << a["action"].get<std::string>() << " " << a["device"].get<std::string>() << " "
                << a["policy"].get<std::string>() << " " << a["payload_identifier"].get<std::string>();
            if (a.contains("payload_uuid")) out << " " << a["payload_uuid"].get<std::string>();
            out << "\n";
        }
        out << document["actions"].size() << (document["actions"].size() == 1 ? " action" : " actions") << "\n";
    });
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("plan", "Plan the profiles to install, update or remove on each device", run_plan);

}  // namespace acmepolicy::cli
