// `acmepolicy checkin`: a device's check-in (or DeviceInformation answer) to its device record, through
// api_device_from_checkin, for scripts that feed an inventory from an MDM's messages.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "cli_support.hpp"
#include "command.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy checkin MESSAGE.plist [--device DEVICE.json] [--id ID] [--enrollment-type TYPE] [--pretty]\n"
    "\n"
    "Maps an Authenticate or TokenUpdate check-in, or a DeviceInformation answer (XML plist; - for standard\n"
    "input), to the device record by the core's rules (docs/rendering.md, \"Device records from check-ins\"),\n"
    "and prints the answer {\"message_type\", \"device\", \"user_channel\", \"changed\", \"diagnostics\"}.\n"
    "\n"
    "  --device FILE            the current device record (JSON): the message's facts are merged into it\n"
    "  --id ID                  the record's id when there is no --device (default: the message's UDID)\n"
    "  --enrollment-type TYPE   the MDM's channel type (NanoMDM's ids.type, e.g. \"User Enrollment (Device)\")\n"
    "  --pretty                 indent the JSON\n"
    "\n"
    "Exit: 0 mapped, 1 the message or the record cannot be mapped (diagnostics on stderr), 2 usage or I/O.\n";

int run_checkin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    if (auto done = scan_arguments(scanner, {"--device", "--id", "--enrollment-type"}, {"--pretty"}, kUsage, out, err))
        return *done;
    if (scanner.positional().size() != 1) {
        err << "error: give exactly one message file (or - for standard input)\n" << kUsage;
        return kExitUsage;
    }
    const std::string file = scanner.positional().front();
    nlohmann::json options = nlohmann::json::object();
    if (auto v = scanner.value("--id")) options["id"] = *v;
    if (auto v = scanner.value("--enrollment-type")) options["enrollment_type"] = *v;
    if (auto device_file = scanner.value("--device")) {
        auto text = read_input(*device_file, err);
        if (!text) return kExitUsage;
        JsonReadResult device = read_json(*text);
        if (!device.value || !device.report.valid()) {
            for (const auto& d : device.report.diagnostics())
                err << *device_file << ":" << d.path << " error[" << d.code << "]: " << d.message << "\n";
            return kExitFindings;
        }
        options["device"] = std::move(*device.value);
    }
    auto message = read_input(file, err);
    if (!message) return kExitUsage;

    const ApiResult result = api_device_from_checkin(*message, options.dump());
    const nlohmann::json answer = nlohmann::json::parse(result.json, nullptr, false);
    if (result.status == ApiStatus::ok) {
        out << (scanner.flag("--pretty") ? answer.dump(2) : result.json) << "\n";
        return kExitOk;
    }
    if (result.status == ApiStatus::invalid_input) {
        for (const auto& d : answer.value("diagnostics", nlohmann::json::array()))
            err << file << ":" << d.value("path", "") << " " << d.value("severity", "error") << "[" << d.value("code", "")
                << "]: " << d.value("message", "") << "\n";
        return kExitFindings;
    }
    err << "error: " << answer.value("error", nlohmann::json::object()).value("message", result.json) << "\n";
    return kExitUsage;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("checkin", "Map a device's check-in or DeviceInformation answer to its device record",
                       run_checkin);

}  // namespace acmepolicy::cli
