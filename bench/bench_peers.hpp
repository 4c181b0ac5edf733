// Running a peer benchmark program (bench/peers/) from a benchmark and reading the figure it prints:
// peers print one line "median_cpu_ns=<ns> bytes=<size>".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

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

/// Collects the CPU medians of the runs by benchmark name (the family name, before any '/'), so the
/// program can print ours beside the peer's after the table.
class MedianReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs)
            if (run.aggregate_name == "median") {
                const std::string name = run.benchmark_name();
                cpu_ns_[name.substr(0, name.find('/'))] = run.GetAdjustedCPUTime() *
                                                           (run.time_unit == benchmark::kMillisecond ? 1e6 : 1e3);
            }
    }
    std::optional<double> cpu_ns(const std::string& name) const {
        auto it = cpu_ns_.find(name);
        if (it == cpu_ns_.end()) return std::nullopt;
        return it->second;
    }

private:
    std::map<std::string, double> cpu_ns_;
};

/// The main() of a benchmark with peers: runs the benchmarks with a MedianReporter, then hands it to
/// `print_ratios` to print ours beside the peers' figures. Returns main's exit status.
template <typename PrintRatios>
int run_beside_peers(int argc, char** argv, PrintRatios&& print_ratios) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    MedianReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_ratios(static_cast<const MedianReporter&>(reporter));
    benchmark::Shutdown();
    return 0;
}

}  // namespace acmepolicy::bench
