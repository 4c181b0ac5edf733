// Signing cost: a CMS SignedData profile (cms::Signer::sign) against the bare mbedTLS signature with the
// same key (SHA-256 + mbedtls_pk_sign, cms::Signer::sign_bare) for RSA-2048, EC P-256 and EC P-384.
// Target: signed ≤ 1.2× bare. The program prints the ratio per key type after the benchmark table.
// Keys and self-signed certificates are made with `openssl` in a temporary folder at start-up.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "acmepolicy/cms.hpp"
#include "acmepolicy/plist.hpp"
#include "bench_identity.hpp"

namespace {

using namespace acmepolicy;
using acmepolicy::bench::Identity;
using acmepolicy::bench::make_identity;

struct KeyType {
    const char* name;
    const char* genpkey;  // arguments to `openssl genpkey`
};
const KeyType kKeyTypes[] = {
    {"RSA2048", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"},
    {"P256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"},
    {"P384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384"},
};

const Identity& identity_for(std::size_t index) {
    static std::map<std::size_t, Identity> identities;
    auto it = identities.find(index);
    if (it == identities.end()) {
        const KeyType& type = kKeyTypes[index];
        Identity identity = make_identity(type.name, type.genpkey, "-addext keyUsage=critical,digitalSignature");
        it = identities.emplace(index, std::move(identity)).first;
    }
    return it->second;
}

/// A profile of typical size (≈ 3 KB with one CA certificate).
std::string profile() {
    plist::Dict acme{{"PayloadType", "com.apple.security.acme"},
                     {"DirectoryURL", "https://acme.example.com/directory"},
                     {"ClientIdentifier", "F2LXK1ABCD"},
                     {"KeyType", "ECSECPrimeRandom"},
                     {"KeySize", 384},
                     {"HardwareBound", true},
                     {"Attest", true}};
    plist::Dict root{{"PayloadType", "com.apple.security.root"}, {"PayloadContent", plist::Data{std::string(900, 'c')}}};
    return plist::write_xml(plist::Dict{{"PayloadType", "Configuration"},
                                        {"PayloadContent", plist::Array{acme, root}},
                                        {"PayloadDisplayName", "Corporate ACME"}});
}

const std::string kSeed(32, '\x42');

std::unique_ptr<cms::Signer> signer_for(benchmark::State& state) {
    const Identity& identity = identity_for(static_cast<std::size_t>(state.range(0)));
    cms::Signer::Load load = cms::Signer::load(identity.certificate_pem, identity.key_pem, "");
    if (!load.signer) state.SkipWithError(("cannot load the signing identity: " + load.error).c_str());
    return std::move(load.signer);
}

void BM_CmsSignedProfile(benchmark::State& state) {
    std::unique_ptr<cms::Signer> signer = signer_for(state);
    if (!signer) return;
    const std::string content = profile();
    for (auto _ : state) {
        cms::SignResult r = signer->sign(content, 1795867200, kSeed);
        if (!r.ok()) {
            state.SkipWithError(r.error.c_str());
            return;
        }
        benchmark::DoNotOptimize(r.der.data());
    }
    state.SetLabel(kKeyTypes[state.range(0)].name);
}

void BM_BareSignature(benchmark::State& state) {
    std::unique_ptr<cms::Signer> signer = signer_for(state);
    if (!signer) return;
    const std::string content = profile();
    for (auto _ : state) {
        cms::SignResult r = signer->sign_bare(content, kSeed);
        if (!r.ok()) {
            state.SkipWithError(r.error.c_str());
            return;
        }
        benchmark::DoNotOptimize(r.der.data());
    }
    state.SetLabel(kKeyTypes[state.range(0)].name);
}

BENCHMARK(BM_CmsSignedProfile)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_BareSignature)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);

/// The console table, plus the signed/bare ratio of the medians per key type at the end.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.aggregate_name != "median") continue;
            const std::string name = run.run_name.function_name;
            const std::string key = run.report_label;
            (name == "BM_CmsSignedProfile" ? signed_ : bare_)[key] = {run.GetAdjustedCPUTime(), run.GetAdjustedRealTime()};
        }
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        // CPU time is the figure to judge on a shared machine; wall time is shown for completeness.
        std::printf("\nsigned profile / bare signature, medians (target <= 1.20x):\n");
        for (const auto& [key, signed_time] : signed_) {
            auto bare = bare_.find(key);
            if (bare == bare_.end() || bare->second.cpu <= 0 || bare->second.real <= 0) continue;
            std::printf("  %-8s cpu %9.1f us / %9.1f us = %.3fx   wall %9.1f us / %9.1f us = %.3fx\n", key.c_str(),
                        signed_time.cpu, bare->second.cpu, signed_time.cpu / bare->second.cpu, signed_time.real,
                        bare->second.real, signed_time.real / bare->second.real);
        }
    }

private:
    struct Times {
        double cpu = 0, real = 0;
    };
    std::map<std::string, Times> signed_, bare_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
