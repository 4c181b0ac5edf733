// `acmepolicy certificates --inventory CERTS.json POLICY.json... [--format text|json]`: the certificate each
// policy produced on each device and when it is renewed, soonest first (docs/lifecycle.md).
#include <chrono>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "assign_cli.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy certificates --inventory CERTS.json POLICY.json... [--format text|json]\n"
    "                               [--now RFC3339] [--within-days N] [--issuer-chain PEM]\n"
    "                               [--min-interval-hours H] [--spread-hours H]\n"
    "\n"
    "Finds, on every device of a certificate inventory, the certificate each policy produced (issuer among\n"
    "the policy's CA certificates or the issuer chain, subject and subjectAltName as rendered for the\n"
    "device, newest wins) and when the device must get its profile again. Lists what renews next first.\n"
    "\n"
    "  --inventory FILE        {\"devices\": [{\"device\": {...}, \"certificates\": [{\"CommonName\", \"Data\",\n"
    "                          \"IsIdentity\"}], \"policies\": [...], \"last_renewal\": {...}}]}\n"
    "  --now TIME              the current time (RFC 3339); default: this machine's clock\n"
    "  --within-days N         list only renewals due within N days of now\n"
    "  --issuer-chain FILE     PEM certificates of the ACME server's chain (intermediates)\n"
    "  --min-interval-hours H  never renew a device more often than this (default 6)\n"
    "  --spread-hours H        spread scheduled renewals over this many hours (default 12; 0 = none)\n"
    "  --format text|json      text (default): one line per certificate; json: the api_plan_renewals document\n"
    "\n"
    "States: ok (renew_at is ahead), due (renew now), expired (renew now), throttled (renewed less than the\n"
    "minimum interval ago), missing (no certificate of the policy on the device).\n"
    "\n"
    "Exit: 0 planned, 1 the inventory or a policy has errors, 2 usage, unreadable file or invalid JSON.\n";

bool read_hours(const ArgScanner& scanner, const char* flag, const char* key, nlohmann::json& options,
                std::ostream& err) {
    const auto value = scanner.value(flag);
    if (!value) return true;
    char* end = nullptr;
    const double hours = std::strtod(value->c_str(), &end);
    if (value->empty() || end == nullptr || *end != '\0' || !(hours >= 0)) {
        err << "error: " << flag << " must be a number of hours, not '" << *value << "'\n";
        return false;
    }
    options[key] = hours;
    return true;
}

// Keeps the renewals (and per-day counts) up to `limit` seconds after now.
void keep_within(nlohmann::json& document, std::int64_t limit) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& r : document["renewals"]) {
        const auto at = parse_rfc3339(r["renew_at"].get<std::string>());
        if (at && *at <= limit) kept.push_back(r);
    }
    document["renewals"] = kept;
    const std::string last_day = format_rfc3339(limit).substr(0, 10);
    nlohmann::json days = nlohmann::json::array();
    for (const auto& d : document["per_day"])
        if (d["date"].get<std::string>() <= last_day) days.push_back(d);
    document["per_day"] = days;
}

void print_text(std::ostream& out, const nlohmann::json& document) {
    assign::print_diagnostics(out, "certificates", document["diagnostics"]);
    for (const auto& r : document["renewals"]) {
        const std::string state = r["state"].get<std::string>();
        out << r["renew_at"].get<std::string>() << " " << state << std::string(state.size() < 9 ? 9 - state.size() : 1, ' ')
            << r["device"].get<std::string>() << " " << r["policy"].get<std::string>() << " expires "
            << r["not_after"].get<std::string>() << " serial " << r["serial"].get<std::string>() << "\n";
    }
    for (const auto& m : document["missing"])
        out << "missing " << m["device"].get<std::string>() << " " << m["policy"].get<std::string>() << "\n";
    if (!document["per_day"].empty()) {
        out << "per day:";
        for (const auto& d : document["per_day"])
            out << " " << d["date"].get<std::string>() << "=" << d["count"].get<std::size_t>();
        out << "\n";
    }
    const auto& s = document["summary"];
    out << s["pairs"].get<std::size_t>() << " device/policy pairs: " << s["ok"].get<std::size_t>() << " ok, "
        << s["due"].get<std::size_t>() << " due, " << s["expired"].get<std::size_t>() << " expired, "
        << s["throttled"].get<std::size_t>() << " throttled, " << s["missing"].get<std::size_t>() << " missing\n";
}

int run_certificates(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    const std::vector<std::string> with_value = {"--inventory",          "--format",        "--now", "--within-days",
                                                 "--issuer-chain",       "--spread-hours",
                                                 "--min-interval-hours"};
    if (auto done = scan_arguments(scanner, with_value, {}, kUsage, out, err)) return *done;
    const auto chosen_format = text_or_json_format(scanner, err);
    if (!chosen_format) return kExitUsage;
    const auto inventory_path = scanner.value("--inventory");
    if (!inventory_path || scanner.positional().empty()) {
        err << "error: give --inventory and at least one policy file\n" << kUsage;
        return kExitUsage;
    }
    nlohmann::json options = nlohmann::json::object();
    // The CLI is a host: it may read the clock, which the core never does.
    std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    if (auto text = scanner.value("--now")) {
        const auto parsed = parse_rfc3339(*text);
        if (!parsed) {
            err << "error: --now must be an RFC 3339 time such as 2026-11-28T12:00:00Z, not '" << *text << "'\n";
            return kExitUsage;
        }
        now = *parsed;
    }
    options["now"] = format_rfc3339(now);
    if (!read_hours(scanner, "--min-interval-hours", "min_interval_hours", options, err) ||
        !read_hours(scanner, "--spread-hours", "spread_hours", options, err))
        return kExitUsage;
    std::optional<std::int64_t> within;
    if (auto days = scanner.value("--within-days")) {
        char* end = nullptr;
        const long n = std::strtol(days->c_str(), &end, 10);
        if (days->empty() || *end != '\0' || n < 0 || n > 36500) {
            err << "error: --within-days must be a whole number of days, not '" << *days << "'\n";
            return kExitUsage;
        }
        within = now + static_cast<std::int64_t>(n) * 86400;
    }
    if (auto chain_path = scanner.value("--issuer-chain")) {
        auto chain = read_text_input(*chain_path, err, "a PEM certificate chain");
        if (!chain) return kExitUsage;
        options["issuer_chain_pem"] = *chain;
    }
    const auto inventory = assign::read_document(*inventory_path, err);
    if (!inventory) return kExitUsage;
    const auto policies = assign::read_policy_files(scanner.positional(), err);
    if (!policies) return kExitUsage;

    ApiResult result = api_plan_renewals(*inventory, *policies, options.dump());
    if (within && (result.status == ApiStatus::ok || result.status == ApiStatus::invalid_input)) {
        nlohmann::json document = nlohmann::json::parse(result.json);
        keep_within(document, *within);
        result.json = document.dump();
    }
    return assign::answer(result, *chosen_format, out, err,
                          [&out](const nlohmann::json& document) { print_text(out, document); });
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("certificates", "List the certificates policies produced and when they renew",
                       run_certificates);

}  // namespace acmepolicy::cli
