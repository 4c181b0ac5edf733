// `acmepolicy resolve --inventory INV.json POLICY.json... [--format text|json]`: which devices receive
// each policy, and why the others do not (docs/assignment.md).
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "assign_cli.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy resolve --inventory INV.json POLICY.json... [--format text|json]\n"
    "\n"
    "Resolves which devices of the inventory receive each policy. Every targeted device is either included\n"
    "(with the groups it came through and any warnings) or excluded with exactly one reason:\n"
    "policy_invalid, platform_unsupported, os_unknown, os_too_old, not_enrolled,\n"
    "server_profile_incompatible, variable_unavailable (in that order of precedence). A device that a policy's\n"
    "fallback takes is listed as \"fallback DEVICE to POLICY CONDITION: ...\" and is included in that policy\n"
    "\"via fallback:<primary>\"; give the fallback policies' files too.\n"
    "\n"
    "  --inventory FILE    {\"devices\": [...], \"groups\": [...]} (see docs/assignment.md)\n"
    "  --format text|json  text (default): one line per device; json: the api_resolve document\n"
    "\n"
    "Exit: 0 resolved, 1 the inventory or a policy has errors, 2 usage, unreadable file or invalid JSON.\n";

void print_text(std::ostream& out, const nlohmann::json& document) {
    for (const auto& policy : document["policies"]) {
        const auto& counts = policy["counts"];
        out << "policy " << policy["id"].get<std::string>() << " (" << policy["name"].get<std::string>()
            << "): " << counts["included"].get<std::size_t>() << " included, "
            << counts["excluded"].get<std::size_t>() << " excluded";
        const auto moved = policy.value("included_via_fallback", nlohmann::json::array());
        if (!moved.empty()) out << ", " << moved.size() << " given to a fallback";
        out << (policy["valid"].get<bool>() ? "" : " [invalid]") << "\n";
        assign::print_diagnostics(out, "  policy", policy["diagnostics"]);
        for (const auto& inc : policy["included"]) {
            std::string via;
            for (const auto& v : inc["via"]) via += (via.empty() ? "" : ", ") + v.get<std::string>();
            out << "  included " << inc["device"].get<std::string>() << " via " << via << "\n";
            for (const auto& w : inc["warnings"])
                out << "    " << w["severity"].get<std::string>() << " " << w["code"].get<std::string>() << ": "
                    << w["message"].get<std::string>() << "\n";
        }
        for (const auto& exc : policy["excluded"])
            out << "  excluded " << exc["device"].get<std::string>() << " " << exc["reason"].get<std::string>()
                << ": " << exc["message"].get<std::string>() << "\n";
        for (const auto& m : moved)
            out << "  fallback " << m["device"].get<std::string>() << " to " << m["policy"].get<std::string>() << " "
                << m["reason"].get<std::string>() << ": " << m["message"].get<std::string>() << "\n";
        std::string reasons;
        for (const auto& [key, value] : counts.items())
            if (key != "included" && key != "excluded" && key != "included_via_fallback" &&
                value.get<std::size_t>() > 0)
                reasons += (reasons.empty() ? "" : ", ") + key + " " + std::to_string(value.get<std::size_t>());
        if (!reasons.empty()) out << "  reasons: " << reasons << "\n";
    }
}

int run_resolve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    if (auto done = scan_arguments(scanner, {"--inventory", "--format"}, {}, kUsage, out, err)) return *done;
    const auto chosen_format = text_or_json_format(scanner, err);
    if (!chosen_format) return kExitUsage;
    const std::string& format = *chosen_format;
    const auto inventory_path = scanner.value("--inventory");
    if (!inventory_path || scanner.positional().empty()) {
        err << "error: give --inventory and at least one policy file\n" << kUsage;
        return kExitUsage;
    }
    const auto inventory = assign::read_document(*inventory_path, err);
    if (!inventory) return kExitUsage;
    const auto policies = assign::read_policy_files(scanner.positional(), err);
    if (!policies) return kExitUsage;

    const ApiResult result = api_resolve(*inventory, *policies, "");
    return assign::answer(result, format, out, err, [&](const nlohmann::json& document) {
        assign::print_diagnostics(out, *inventory_path, document["diagnostics"]);
        print_text(out, document);
    });
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("resolve", "Show which devices receive each policy and why others do not", run_resolve);

}  // namespace acmepolicy::cli
