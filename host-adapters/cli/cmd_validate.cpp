// `acmepolicy validate FILE... [--format text|json] [--strict] [--now RFC3339]`: checks policy documents
// one by one and, with several files, as a set (names unique ignoring case). See docs/diagnostics.md.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/validate.hpp"
#include "cli_support.hpp"
#include "command.hpp"

namespace acmepolicy::cli {
namespace {

constexpr const char* kUsage =
    "usage: acmepolicy validate FILE... [--format text|json] [--strict] [--now RFC3339]\n"
    "\n"
    "Checks ACME policy documents (JSON, schema_version 1) against Apple's rules and the ACME server's;\n"
    "several files are also checked as a set (policy names unique ignoring case). FILE '-' reads stdin.\n"
    "\n"
    "  --format text|json  text (default): one line per finding, FILE:PATH: SEVERITY[CODE]: MESSAGE\n"
    "                      json: {\"valid\", \"files\": [{\"file\", \"valid\", \"id\", \"diagnostics\"}],\n"
    "                             \"diagnostics\": [set-level findings, each with its \"file\"]}\n"
    "  --strict            warnings fail too (exit 1)\n"
    "  --now TIME          the time at which CA certificates must be valid (RFC 3339, e.g.\n"
    "                      2026-11-28T12:00:00Z); without it, validity periods are not checked\n"
    "\n"
    "Exit: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 usage, unreadable\n"
    "file or invalid JSON.\n";

struct FileResult {
    std::string file;
    PolicyCheck check;
    bool read_failed = false;  // I/O error: nothing was checked
};

bool is_syntax_failure(const PolicyCheck& check) { return check.report.has_code("json.syntax"); }

void print_text(std::ostream& out, const std::string& file, const Diagnostic& d) {
    out << file << ":" << d.path << (d.path.empty() ? "" : ":") << " " << to_string(d.severity) << "[" << d.code
        << "]: " << d.message << "\n";
}

// Splits a set-level path "/<index>/name" into the file it concerns and the path inside that file.
std::pair<std::string, std::string> locate_set_finding(const std::vector<FileResult>& files,
                                                       const std::vector<std::size_t>& checked_index,
                                                       const std::string& path) {
    const std::size_t slash = path.find('/', 1);
    try {
        const std::size_t index = std::stoul(path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1));
        if (index < checked_index.size())
            return {files[checked_index[index]].file, slash == std::string::npos ? std::string() : path.substr(slash)};
    } catch (const std::exception&) {
    }
    return {"", path};
}

int run_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ArgScanner scanner(args);
    if (auto done = scan_arguments(scanner, {"--format", "--now"}, {"--strict"}, kUsage, out, err)) return *done;
    const auto chosen_format = text_or_json_format(scanner, err);
    if (!chosen_format) return kExitUsage;
    const std::string& format = *chosen_format;
    ValidationOptions options;
    if (auto now = scanner.value("--now")) {
        options.now = parse_rfc3339(*now);
        if (!options.now) {
            err << "error: --now must be an RFC 3339 time such as 2026-11-28T12:00:00Z, not '" << *now << "'\n";
            return kExitUsage;
        }
    }
    if (scanner.positional().empty()) {
        err << "error: give at least one policy file (or - for standard input)\n" << kUsage;
        return kExitUsage;
    }

    std::vector<FileResult> files;
    std::vector<PolicyCheck> checked;  // the files that could be read, in order, for the set rules
    std::vector<std::size_t> checked_index;
    for (const auto& path : scanner.positional()) {
        FileResult result;
        result.file = path == "-" ? "<stdin>" : path;
        auto text = read_input(path, err);
        if (!text) {
            result.read_failed = true;
        } else {
            result.check = check_policy(std::string_view(*text), options);
            checked.push_back(result.check);
            checked_index.push_back(files.size());
        }
        files.push_back(std::move(result));
    }
    const Report set_report = files.size() > 1 ? check_policy_set(checked) : Report();

    bool usage_failure = false;
    bool errors = !set_report.valid();
    bool warnings = set_report.has_warnings();
    for (const auto& f : files) {
        usage_failure = usage_failure || f.read_failed || is_syntax_failure(f.check);
        errors = errors || !f.check.report.valid();
        warnings = warnings || f.check.report.has_warnings();
    }

    if (format == "json") {
        nlohmann::json document{{"valid", !errors && !usage_failure}, {"files", nlohmann::json::array()}};
        for (const auto& f : files) {
            nlohmann::json entry = to_json(f.check.report);
            entry["file"] = f.file;
            if (f.read_failed) {
                entry["valid"] = false;
                entry["readable"] = false;
            }
            entry["id"] = f.check.policy ? nlohmann::json(f.check.policy->id) : nlohmann::json(nullptr);
            document["files"].push_back(std::move(entry));
        }
        nlohmann::json set_list = nlohmann::json::array();
        for (const auto& d : set_report.diagnostics()) {
            nlohmann::json entry = to_json(d);
            const auto [file, inner] = locate_set_finding(files, checked_index, d.path);
            entry["file"] = file;
            set_list.push_back(std::move(entry));
        }
        document["diagnostics"] = std::move(set_list);
        out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        std::size_t error_count = 0, warning_count = 0;
        const auto count = [&](const Diagnostic& d) {
            error_count += d.severity == Severity::error;
            warning_count += d.severity == Severity::warning;
        };
        for (const auto& f : files) {
            for (const auto& d : f.check.report.diagnostics()) {
                print_text(out, f.file, d);
                count(d);
            }
        }
        for (const auto& d : set_report.diagnostics()) {
            const auto [file, inner] = locate_set_finding(files, checked_index, d.path);
            Diagnostic shown = d;
            shown.path = inner;
            print_text(out, file, shown);
            count(d);
        }
        out << files.size() << (files.size() == 1 ? " file" : " files") << " checked: " << error_count
            << (error_count == 1 ? " error, " : " errors, ") << warning_count
            << (warning_count == 1 ? " warning" : " warnings") << "\n";
    }

    if (usage_failure) return kExitUsage;
    if (errors || (scanner.flag("--strict") && warnings)) return kExitFindings;
    return kExitOk;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("validate", "Validate ACME policy documents (exit 0 ok, 1 findings, 2 usage or I/O)",
                       run_validate);

}  // namespace acmepolicy::cli
