// `acmepolicy explain --inventory INV.json POLICY.json --device ID [--format text|json]`: one
// policy/device pair answered in a sentence.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "assign_cli.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy explain --inventory INV.json POLICY.json [OTHER.json...] --device ID [--format text|json]\n"
    "\n"
    "Says whether the device receives the policy and why: \"included through group Sales\",\n"
    "\"excluded: iOS 15.7 is older than 16.0\", \"fallback: iPad7,5 cannot attest: gets ... instead\", or\n"
    "\"not targeted: ...\", with any warnings. OTHER files are the rest of the set (the policy's fallback,\n"
    "the policies whose fallback it is); the first file is the one explained.\n"
    "\n"
    "Exit: 0 answered, 1 the inventory or the policy cannot be read, 2 usage, unreadable file, invalid\n"
    "JSON or a device id the inventory does not have.\n";

int run_explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    if (auto done = scan_arguments(scanner, {"--inventory", "--device", "--format"}, {}, kUsage, out, err))
        return *done;
    const auto chosen_format = text_or_json_format(scanner, err);
    if (!chosen_format) return kExitUsage;
    const std::string& format = *chosen_format;
    const auto inventory_path = scanner.value("--inventory");
    const auto device = scanner.value("--device");
    if (!inventory_path || !device || scanner.positional().empty()) {
        err << "error: give --inventory, --device and the policy file (then any others of its set)\n" << kUsage;
        return kExitUsage;
    }
    const auto inventory = assign::read_document(*inventory_path, err);
    if (!inventory) return kExitUsage;
    // One file is passed as it is; several go as a JSON array whose first policy is the one explained.
    const auto policy = scanner.positional().size() == 1 ? assign::read_document(scanner.positional()[0], err)
                                                         : assign::read_policy_files(scanner.positional(), err);
    if (!policy) return kExitUsage;

    const ApiResult result = api_explain(*inventory, *policy, *device, "");
    return assign::answer(result, format, out, err, [&](const nlohmann::json& document) {
        if (result.status == ApiStatus::invalid_input) {
            assign::print_diagnostics(out, "error", document["diagnostics"]);
            return;
        }
        out << document["policy"].get<std::string>() << " / " << document["device"].get<std::string>() << ": "
            << document["message"].get<std::string>() << "\n";
        for (const auto& w : document["warnings"])
            out << "  " << w["severity"].get<std::string>() << " " << w["code"].get<std::string>() << ": "
                << w["message"].get<std::string>() << "\n";
    });
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("explain", "Explain whether one device receives a policy, in a sentence", run_explain);

}  // namespace acmepolicy::cli
