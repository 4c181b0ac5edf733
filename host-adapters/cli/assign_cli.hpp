// What the resolve, explain and plan subcommands share: reading the inventory and policy files into the
// facade's inputs, and turning facade statuses into exit codes.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "cli_support.hpp"
#include "command.hpp"

namespace acmepolicy::cli::assign {

/// Reads policy files into one JSON array text for the facade. Each file must hold one policy document;
/// a file that is not JSON is reported here, with its own line and column, so that it is not blamed on
/// the array. Returns nullopt (after messages to err) on an unreadable or non-JSON file.
inline std::optional<std::string> read_policy_files(const std::vector<std::string>& paths, std::ostream& err) {
    std::string array = "[";
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto text = read_input(paths[i], err);
        if (!text) return std::nullopt;
        JsonReadResult read = read_json(*text);
        if (!read.value) {
            for (const auto& d : read.report.diagnostics())
                err << paths[i] << ": error[" << d.code << "]: " << d.message << "\n";
            return std::nullopt;
        }
        if (i > 0) array += ",";
        array += *text;
    }
    array += "]";
    return array;
}

/// Reads a whole input file (inventory, state); nullopt after a message to err.
inline std::optional<std::string> read_document(const std::string& path, std::ostream& err) {
    return read_input(path, err);
}

/// Prints diagnostics of a facade result, one per line: "<label>: severity[code] path: message".
inline void print_diagnostics(std::ostream& out, const std::string& label, const nlohmann::json& diagnostics) {
    if (!diagnostics.is_array()) return;
    for (const auto& d : diagnostics) {
        out << label << ": " << d.value("severity", "error") << "[" << d.value("code", "") << "]";
        const std::string path = d.value("path", "");
        if (!path.empty()) out << " " << path;
        out << ": " << d.value("message", "") << "\n";
    }
}

/// Exit code for a facade status: ok 0, invalid input 1, everything else 2 (with the error printed).
inline int exit_code(const ApiResult& result, std::ostream& err) {
    switch (result.status) {
        case ApiStatus::ok: return kExitOk;
        case ApiStatus::invalid_input: return kExitFindings;
        default: {
            auto parsed = nlohmann::json::parse(result.json, nullptr, false);
            std::string message = result.json;
            if (parsed.is_object() && parsed.contains("error")) message = parsed["error"].value("message", message);
            err << "error: " << message << "\n";
            return kExitUsage;
        }
    }
}

/// Prints a facade result in the chosen format (JSON pretty-printed, or text through `print_text`) and
/// returns the exit code for its status. A failed call (neither ok nor invalid_input) prints only its error.
template <typename PrintText>
int answer(const ApiResult& result, const std::string& format, std::ostream& out, std::ostream& err,
           PrintText&& print_text) {
    if (result.status != ApiStatus::ok && result.status != ApiStatus::invalid_input) return exit_code(result, err);
    const auto document = nlohmann::json::parse(result.json);
    if (format == "json") {
        out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        print_text(document);
    }
    return exit_code(result, err);
}

}  // namespace acmepolicy::cli::assign
