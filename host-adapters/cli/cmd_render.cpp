// `acmepolicy render`: renders a policy for one device into a profile (signed or not), the declarative
// form, or an MDM command, through api_render. As a host, it supplies the clock and random bytes.
#include <chrono>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/json_reader.hpp"
#include "cli_support.hpp"
#include "command.hpp"

namespace acmepolicy::cli {
namespace {

const char* const kUsage =
    "usage: acmepolicy render POLICY.json [--device DEVICE.json] [--format FORMAT] [options] [-o OUT]\n"
    "\n"
    "Renders a valid policy for one device. Nothing is written unless rendering succeeds.\n"
    "\n"
    "  --device FILE                 the device record (JSON); required unless --preview or remove-command\n"
    "  --format FORMAT               mobileconfig (default), ddm, install-command, remove-command\n"
    "  --identifier-prefix P         reverse-DNS prefix of PayloadIdentifier (default com.example.acmepolicy)\n"
    "  --organization TEXT           PayloadOrganization\n"
    "  --description TEXT            PayloadDescription\n"
    "  --sign-cert FILE --sign-key FILE [--sign-chain FILE]\n"
    "                                sign the profile (CMS, DER) with this PEM certificate and key\n"
    "  --ddm-base-url URL            https:// base URL where the server serves DDM credential documents\n"
    "  --client-token-secret-file F  the server secret {{client_token}} is derived from\n"
    "  --command-uuid UUID           the CommandUUID of an MDM command (default: a random v4 UUID)\n"
    "  --now RFC3339                 the signing time and validation time (default: the clock)\n"
    "  --preview                     keep {{variables}} visible; no device needed\n"
    "  -o, --output FILE             write here (default: standard output)\n"
    "\n"
    "Exit codes: 0 rendered, 1 the policy or device has errors (diagnostics on stderr), 2 usage or I/O.\n";

// Compiler-style lines; findings about the device record name the device file and its own path.
void print_diagnostics(const std::string& file, const nlohmann::json& diagnostics, std::ostream& err,
                       const std::optional<std::string>& device_file = std::nullopt) {
    static const std::string kDevicePrefix = "/options/device";
    if (!diagnostics.is_array()) return;
    for (const auto& d : diagnostics) {
        std::string path = d.value("path", "");
        std::string where = file;
        if (device_file && path.rfind(kDevicePrefix, 0) == 0 &&
            (path.size() == kDevicePrefix.size() || path[kDevicePrefix.size()] == '/')) {
            where = *device_file;
            path = path.substr(kDevicePrefix.size());
        }
        err << where << ":" << path << (path.empty() ? "" : ":") << " " << d.value("severity", "error") << "["
            << d.value("code", "") << "]: " << d.value("message", "") << "\n";
    }
}

// Reads a whole text file into the options, or reports why not.
bool read_into(const std::optional<std::string>& path, nlohmann::json& target, const char* key, std::ostream& err) {
    if (!path) return true;
    auto text = read_text_input(*path, err, "a PEM certificate or key");
    if (!text) return false;
    target[key] = *text;
    return true;
}

int run_render(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    for (const auto& a : raw_args) args.push_back(a == "-o" ? "--output" : a);
    ArgScanner scanner(args);
    const std::vector<std::string> with_value = {
        "--device",    "--format",     "--identifier-prefix", "--organization", "--description",
        "--sign-cert", "--sign-key",   "--sign-chain",        "--ddm-base-url", "--client-token-secret-file",
        "--command-uuid", "--now",     "--output"};
    if (auto done = scan_arguments(scanner, with_value, {"--preview"}, kUsage, out, err)) return *done;
    if (scanner.positional().size() != 1) {
        err << "error: give exactly one policy file (or - for standard input)\n" << kUsage;
        return kExitUsage;
    }
    const std::string policy_file = scanner.positional().front();
    if (scanner.value("--sign-cert").has_value() != scanner.value("--sign-key").has_value() ||
        (scanner.value("--sign-chain") && !scanner.value("--sign-cert"))) {
        err << "error: --sign-cert and --sign-key go together (and --sign-chain needs them)\n";
        return kExitUsage;
    }

    nlohmann::json options = nlohmann::json::object();
    options["format"] = scanner.value("--format").value_or("mobileconfig");
    if (scanner.flag("--preview")) options["preview"] = true;
    if (auto v = scanner.value("--identifier-prefix")) options["identifier_prefix"] = *v;
    if (auto v = scanner.value("--organization")) options["organization"] = *v;
    if (auto v = scanner.value("--description")) options["description"] = *v;
    if (auto v = scanner.value("--ddm-base-url")) options["ddm_base_url"] = *v;
    if (auto v = scanner.value("--command-uuid")) options["command_uuid"] = *v;
    if (auto v = scanner.value("--now")) {
        if (!parse_rfc3339(*v)) {
            err << "error: --now must be an RFC 3339 time such as 2026-11-28T12:00:00Z, not '" << *v << "'\n";
            return kExitUsage;
        }
        options["now"] = *v;
    } else {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
        options["now"] = format_rfc3339(static_cast<std::int64_t>(seconds));
    }
    if (auto secret_file = scanner.value("--client-token-secret-file")) {
        auto secret = read_text_input(*secret_file, err, "the client-token secret");
        if (!secret) return kExitUsage;
        // A trailing newline from `echo secret > file` is not part of the secret.
        while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) secret->pop_back();
        options["client_token_secret"] = *secret;
    }
    if (scanner.value("--sign-cert")) {
        nlohmann::json signing = nlohmann::json::object();
        if (!read_into(scanner.value("--sign-cert"), signing, "certificate_pem", err) ||
            !read_into(scanner.value("--sign-key"), signing, "key_pem", err) ||
            !read_into(scanner.value("--sign-chain"), signing, "chain_pem", err))
            return kExitUsage;
        options["signing"] = std::move(signing);
    }
    if (auto device_file = scanner.value("--device")) {
        auto text = read_input(*device_file, err);
        if (!text) return kExitUsage;
        JsonReadResult device = read_json(*text);
        if (!device.value || !device.report.valid()) {
            print_diagnostics(*device_file, to_json(device.report)["diagnostics"], err);
            return device.value ? kExitFindings : kExitUsage;
        }
        options["device"] = std::move(*device.value);
    }
    auto random = random_hex(48, err);  // 16 for a CommandUUID, the rest for signing
    if (!random) return kExitUsage;
    options["random_hex"] = *random;

    auto policy = read_input(policy_file, err);
    if (!policy) return kExitUsage;

    const ApiResult result = api_render(*policy, options.dump());
    nlohmann::json meta = nlohmann::json::parse(result.json, nullptr, false);
    switch (result.status) {
        case ApiStatus::ok:
            print_diagnostics(policy_file, meta.value("diagnostics", nlohmann::json::array()), err,
                              scanner.value("--device"));
            if (!write_output(scanner.value("--output").value_or("-"), result.bytes, out, err)) return kExitUsage;
            return kExitOk;
        case ApiStatus::invalid_input:
            print_diagnostics(policy_file, meta.value("diagnostics", nlohmann::json::array()), err,
                              scanner.value("--device"));
            return kExitFindings;
        default: {
            const auto error = meta.is_object() ? meta.value("error", nlohmann::json::object()) : nlohmann::json::object();
            err << "error: " << error.value("message", result.json) << "\n";
            return kExitUsage;
        }
    }
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("render", "Render a policy for a device: .mobileconfig, signed, DDM, MDM commands", run_render);

}  // namespace acmepolicy::cli
