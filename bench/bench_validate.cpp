// Validation speed: a typical policy from JSON text (target: median <= 10 us), and batches of distinct
// policies up to 10,000 (target: linear; the per-policy time stays flat and the fitted complexity is O(N)).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"

namespace {

std::string typical_policy_text() {
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/policies/corp-acme.json");
    std::stringstream buffer;
    buffer << file.rdbuf();
    return buffer.str();
}

// N policies that differ in every string a rule looks at (ids, names, hosts, subjects, targets).
std::vector<std::string> distinct_policies(std::size_t count) {
    const nlohmann::json base = nlohmann::json::parse(typical_policy_text());
    std::vector<std::string> texts;
    texts.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        nlohmann::json policy = base;
        const std::string n = std::to_string(i);
        policy["id"] = "policy-" + n;
        policy["name"] = "Policy number " + n;
        policy["payload"]["DirectoryURL"] = "https://acme" + n + ".example.com/directory";
        policy["payload"]["Subject"][0][0][1] = "Example Division " + n;
        policy["payload"]["SubjectAltName"]["dNSName"] = "device" + n + ".example.com";
        policy["payload"]["KeySize"] = i % 2 ? 256 : 384;
        policy["targets"]["device_groups"] = {"g-" + n};
        texts.push_back(policy.dump());
    }
    return texts;
}

void BM_ValidateTypicalPolicy(benchmark::State& state) {
    const std::string text = typical_policy_text();
    for (auto _ : state) {
        acmepolicy::PolicyCheck check = acmepolicy::check_policy(std::string_view(text));
        benchmark::DoNotOptimize(check);
        if (!check.report.valid()) state.SkipWithError("the typical policy must be valid");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ValidateTypicalPolicy)->Unit(benchmark::kMicrosecond)->Repetitions(9)->ReportAggregatesOnly(true);

// The strict JSON reading alone (duplicate keys, limits): the share of the typical policy's time that is parsing.
void BM_ReadTypicalPolicyJsonOnly(benchmark::State& state) {
    const std::string text = typical_policy_text();
    for (auto _ : state) {
        acmepolicy::JsonReadResult read = acmepolicy::read_json(text);
        benchmark::DoNotOptimize(read);
    }
}
BENCHMARK(BM_ReadTypicalPolicyJsonOnly)->Unit(benchmark::kMicrosecond);

// The rules alone, on an already-parsed document (what a host that parsed the JSON itself pays).
void BM_ValidateParsedTypicalPolicy(benchmark::State& state) {
    const nlohmann::json document = nlohmann::json::parse(typical_policy_text());
    for (auto _ : state) {
        acmepolicy::PolicyCheck check = acmepolicy::check_policy(document);
        benchmark::DoNotOptimize(check);
    }
}
BENCHMARK(BM_ValidateParsedTypicalPolicy)->Unit(benchmark::kMicrosecond);

void BM_ValidateDistinctPolicies(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    const std::vector<std::string> texts = distinct_policies(count);
    for (auto _ : state) {
        std::size_t valid = 0;
        for (const auto& text : texts) valid += acmepolicy::check_policy(std::string_view(text)).report.valid();
        benchmark::DoNotOptimize(valid);
        if (valid != count) state.SkipWithError("every generated policy must be valid");
    }
    state.SetComplexityN(state.range(0));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
    state.counters["per_policy"] = benchmark::Counter(
        static_cast<double>(state.iterations() * count), benchmark::Counter::kIsRate | benchmark::Counter::kInvert,
        benchmark::Counter::kIs1000);
}
BENCHMARK(BM_ValidateDistinctPolicies)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

}  // namespace

BENCHMARK_MAIN();
