// Validation speed: a typical policy from JSON text (target: no slower than ajv's JSON.parse + validate
// with the basic schema, measured after the table in the same run), and batches of distinct policies up to
// 10,000 (target: linear; the per-policy time stays flat and the fitted complexity is O(N)).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "bench_peers.hpp"

namespace {

namespace bench = acmepolicy::bench;

std::string typical_policy_file() { return std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/policies/corp-acme.json"; }

std::string typical_policy_text() {
    std::ifstream file(typical_policy_file());
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

/// Runs ajv (bench/peers/ajv: JSON.parse + a compiled JSON Schema, basic and tuned) on the same policy and
/// prints ours against it.
void print_peer_ratios(const bench::MedianReporter& reporter) {
    const std::optional<double> ours = reporter.cpu_ns("BM_ValidateTypicalPolicy");
    if (!ours) return;
    std::printf("\nvalidate the typical policy from JSON text, ours / peer, median CPU time per validation\n"
                "(ours: every rule, warnings and suggestions; the peer: what its schema can say):\n");
    const std::string node = ACMEPOLICY_NODE_PROGRAM;
    const std::string peer_dir = std::string(ACMEPOLICY_SOURCE_DIR) + "/bench/peers/ajv";
    std::ifstream installed(peer_dir + "/node_modules/ajv/package.json");
    for (const char* schema : {"basic", "tuned"}) {
        const std::string name = std::string("ajv ") + schema;
        if (node.empty() || !installed) {
            std::printf("  %-12s not measured (%s)\n", name.c_str(),
                        node.empty() ? "no node on this machine" : "run npm ci in bench/peers/ajv");
            continue;
        }
        const std::optional<double> theirs =
            bench::run_peer(bench::shell_quote(node) + " " + bench::shell_quote(peer_dir + "/peer.mjs") + " " + schema +
                            " " + bench::shell_quote(typical_policy_file()) + " 2>&1");
        if (!theirs || *theirs <= 0) {
            std::printf("  %-12s not measured (see stderr)\n", name.c_str());
            continue;
        }
        std::printf("  %-12s %7.0f ns / %7.0f ns = %.2fx   (target %s)\n", name.c_str(), *ours, *theirs, *ours / *theirs,
                    std::string(schema) == "basic" ? "<= 1.0x" : "-");
    }
}

}  // namespace

int main(int argc, char** argv) { return bench::run_beside_peers(argc, argv, print_peer_ratios); }
