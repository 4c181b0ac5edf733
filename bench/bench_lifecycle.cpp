// The life of a certificate at fleet scale: renewal planning for 100,000 devices with 2 certificates each
// (target <= 50 ms) and reading a CertificateList answer of 20 certificates (target <= 200 us). The
// summary after the table prints the measured figures against their targets.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/plist.hpp"

namespace {

using namespace acmepolicy;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1795867200;  // 2026-11-28T12:00:00Z

/// 100,000 devices, each with an older and a renewed certificate of 90 days, issued over the last 120 days
/// (so every state occurs: expired, due, scheduled), a tenth of them renewed recently.
std::vector<FleetEntry> make_fleet(std::size_t devices) {
    std::mt19937_64 rng(7);
    std::vector<FleetEntry> fleet(devices);
    for (std::size_t i = 0; i < devices; ++i) {
        FleetEntry& e = fleet[i];
        char id[16];
        std::snprintf(id, sizeof id, "d-%07zu", i);
        e.device_id = id;
        e.policy_id = "corp-acme";
        const std::int64_t issued = kNow - static_cast<std::int64_t>(rng() % (120 * kDay));
        e.certificates.push_back({issued - 90 * kDay, issued});
        e.certificates.push_back({issued, issued + 90 * kDay});
        if (i % 10 == 0) e.last_renewal = kNow - static_cast<std::int64_t>(rng() % (12 * 3600));
    }
    return fleet;
}

void BM_PlanRenewals(benchmark::State& state) {
    const std::vector<FleetEntry> fleet = make_fleet(static_cast<std::size_t>(state.range(0)));
    RenewalOptions options;
    options.now = kNow;
    std::size_t due = 0;
    for (auto _ : state) {
        RenewalPlan plan = plan_renewals(fleet, options);
        due = plan.due + plan.expired;
        benchmark::DoNotOptimize(plan);
    }
    state.counters["due_now"] = static_cast<double>(due);
}
BENCHMARK(BM_PlanRenewals)->Arg(100000)->Unit(benchmark::kMillisecond)->MinTime(1.0);

/// A CertificateList answer of 20 certificates: the sample answer's certificates, repeated.
std::string answer_of_20() {
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/certificates/certificate-list.plist",
                       std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    const CertificateListRead sample = read_certificate_list(text.str());
    if (sample.certificates.empty()) return {};
    plist::Array entries;
    for (std::size_t i = 0; i < 20; ++i) {
        const DeviceCertificate& c = sample.certificates[i % sample.certificates.size()];
        entries.push_back(plist::Dict{{"CommonName", c.common_name}, {"Data", plist::Data{c.info.der}},
                                      {"IsIdentity", c.is_identity}});
    }
    return plist::write_xml(plist::Dict{{"CertificateList", std::move(entries)},
                                        {"CommandUUID", "5C0F7E2A-4B1D-4C8E-9A3F-2D6B1E0C9F11"},
                                        {"Status", "Acknowledged"},
                                        {"UDID", "00008110-000A1C2E3F40801E"}});
}

void BM_ParseCertificateList20(benchmark::State& state) {
    const std::string answer = answer_of_20();
    if (answer.empty()) {
        state.SkipWithError("examples/certificates/certificate-list.plist is missing");
        return;
    }
    for (auto _ : state) {
        CertificateListRead read = read_certificate_list(answer);
        if (read.certificates.size() != 20) state.SkipWithError("not 20 certificates");
        benchmark::DoNotOptimize(read);
    }
    state.counters["bytes"] = static_cast<double>(answer.size());
}
BENCHMARK(BM_ParseCertificateList20)->Unit(benchmark::kMicrosecond)->MinTime(1.0);

class SummaryReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs)
            if (run.run_type == Run::RT_Iteration) {
                // Adjusted times are in each benchmark's own unit (ms for planning, us for parsing).
                wall[run.benchmark_name()] = run.GetAdjustedRealTime();
                cpu[run.benchmark_name()] = run.GetAdjustedCPUTime();
            }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> wall, cpu;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    auto get = [](const std::map<std::string, double>& t, const std::string& prefix) {
        for (const auto& [name, value] : t)
            if (name == prefix || name.rfind(prefix + "/", 0) == 0) return value;
        return -1.0;
    };
    for (const auto* t : {&reporter.cpu, &reporter.wall}) {
        const double plan = get(*t, "BM_PlanRenewals/100000"), parse = get(*t, "BM_ParseCertificateList20");
        std::printf("\nsummary (%s time): renewal planning for 100k devices x 2 certificates %.1f ms (target <= 50, "
                    "%.2f of the budget); CertificateList of 20 certificates %.1f us (target <= 200, %.2f of the budget)",
                    t == &reporter.cpu ? "CPU" : "wall", plan, plan / 50.0, parse, parse / 200.0);
    }
    std::printf("\n");
    benchmark::Shutdown();
    return 0;
}
