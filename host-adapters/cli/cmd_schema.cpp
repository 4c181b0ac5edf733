// `acmepolicy schema [--pretty]`: prints the core's tables (variables, device-record and payload keys, key
// sizes, diagnostic codes, assignment names, attestation-capable hardware) as one JSON document, for
// scripts and tools that build pickers or constants from them.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "command.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy schema [--pretty]\n"
    "\n"
    "Prints the core's tables as one JSON document (docs/schema.md): template variables and their\n"
    "availability per enrollment type, device-record keys, payload keys with types and platforms, key\n"
    "sizes per key type and hardware binding, diagnostic codes with severities, assignment reasons and\n"
    "fallback conditions, and the attestation-capable hardware table with its source. --pretty indents it.\n"
    "\n"
    "Exit: 0 printed, 2 usage.\n";

int run_schema(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    bool pretty = false;
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h") {
            out << kUsage;
            return kExitOk;
        }
        if (arg == "--pretty") {
            pretty = true;
            continue;
        }
        err << "error: unknown argument '" << arg << "'\n" << kUsage;
        return kExitUsage;
    }
    const ApiResult result = api_schema();
    if (result.status != ApiStatus::ok) {
        err << "error: " << result.json << "\n";
        return kExitUsage;
    }
    if (pretty) out << nlohmann::json::parse(result.json).dump(2) << "\n";
    else out << result.json << "\n";
    return kExitOk;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("schema", "Print the core's tables (variables, keys, key sizes, codes, hardware) as JSON",
                       run_schema);

}  // namespace acmepolicy::cli
