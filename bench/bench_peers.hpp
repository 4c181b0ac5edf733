// Running a peer benchmark program (bench/peers/) from a benchmark and reading the figure it prints:
// peers print one line "median_cpu_ns=<ns> bytes=<size>".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace acmepolicy::bench {

/// Runs `command` through the shell; the median CPU nanoseconds per item it printed, or nullopt when it
/// failed or printed something else (the reason goes to stderr).
inline std::optional<double> run_peer(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = pclose(pipe);
    const std::string::size_type at = output.find("median_cpu_ns=");
    if (status != 0 || at == std::string::npos) {
        std::fprintf(stderr, "peer failed (%s): %s\n", command.c_str(), output.c_str());
        return std::nullopt;
    }
    return std::strtod(output.c_str() + at + 14, nullptr);
}

/// `text` quoted for the shell.
inline std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace acmepolicy::bench
