// Rendering performance targets: one unsigned profile from a renderer ≤ 0.5× the Go standard library's
// encoding/xml writing the same profile, per-device rendering from a prepared policy ≤ 2 µs (100,000
// profiles on one thread ≤ 0.2 s); a signed profile is shown beside the bare signature with the same key.
// After the table the program runs the peers of bench/peers/ (Go's encoding/xml, Python's plistlib) on
// the very profile rendered here, when go and python3 are on the machine, and prints the ratios.
// Signing identities are made with `openssl` in a temporary folder when the program starts.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acmepolicy/cms.hpp"
#include "acmepolicy/render.hpp"
#include "bench_identity.hpp"
#include "bench_peers.hpp"

namespace {

using namespace acmepolicy;
using acmepolicy::bench::Identity;
using acmepolicy::bench::make_identity;
using acmepolicy::bench::read_file;

// The documented example policy (EC P-384, attested, variables in four fields) with one bundled CA.
Policy example_policy() {
    Policy p;
    p.id = "corp-acme";
    p.name = "Corporate ACME";
    p.payload.directory_url = "https://acme.example.com/directory";
    p.payload.client_identifier = "{{serial_number}}";
    p.payload.key_type = "ECSECPrimeRandom";
    p.payload.key_size = 384;
    p.payload.hardware_bound = true;
    p.payload.attest = true;
    p.payload.subject = {{{"O", "Example Inc."}}, {{"CN", "{{serial_number}}"}}};
    SubjectAltName san;
    san.rfc822_name = "{{user_email}}";
    san.dns_name = "device.example.com";
    san.uniform_resource_identifier = "urn:example:{{udid}}";
    p.payload.subject_alt_name = san;
    p.payload.usage_flags = 1;
    p.payload.extended_key_usage = std::vector<std::string>{"1.3.6.1.5.5.7.3.2"};
    p.ca_certificates = {read_file(std::string(ACMEPOLICY_SOURCE_DIR) + "/tests/render/cases/example-root-ca.pem")};
    return p;
}

DeviceRecord device_number(std::size_t i) {
    DeviceRecord d;
    d.id = "d-" + std::to_string(i);
    d.serial_number = "F2LX" + std::to_string(1000000 + i);
    d.udid = "00008110-000A1C2E" + std::to_string(10000000 + i);
    d.user_email = "user" + std::to_string(i) + "@example.com";
    return d;
}

RenderOptions example_options() {
    RenderOptions o;
    o.identifier_prefix = "com.example.mdm";
    o.organization = "Example Inc.";
    return o;
}

// One unsigned profile for one device, the per-policy work done once (the server's steady state).
void BM_UnsignedProfile(benchmark::State& state) {
    PolicyRenderer renderer(example_policy(), example_options());
    const DeviceRecord device = device_number(42);
    std::size_t bytes = 0;
    for (auto _ : state) {
        RenderResult r = renderer.render(&device, RenderFormat::mobileconfig);
        bytes = r.bytes.size();
        benchmark::DoNotOptimize(r.bytes.data());
    }
    state.counters["profile_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_UnsignedProfile)->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly(true);

// The same through the one-shot free function: includes preparing the policy (parsing its CA certificate).
void BM_UnsignedProfileOneShot(benchmark::State& state) {
    const Policy policy = example_policy();
    const RenderOptions options = example_options();
    const DeviceRecord device = device_number(42);
    for (auto _ : state) {
        RenderResult r = render_profile(policy, &device, options);
        benchmark::DoNotOptimize(r.bytes.data());
    }
}
BENCHMARK(BM_UnsignedProfileOneShot)->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly(true);

// 100,000 per-device profiles of one policy on one thread; the time reported is for all of them.
void BM_HundredThousandDevices(benchmark::State& state) {
    constexpr std::size_t kDevices = 100000;
    std::vector<DeviceRecord> devices;
    devices.reserve(kDevices);
    for (std::size_t i = 0; i < kDevices; ++i) devices.push_back(device_number(i));
    const Policy policy = example_policy();
    const RenderOptions options = example_options();
    for (auto _ : state) {
        PolicyRenderer renderer(policy, options);
        std::size_t total = 0;
        for (const auto& device : devices) total += renderer.render(&device, RenderFormat::mobileconfig).bytes.size();
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kDevices));
}
BENCHMARK(BM_HundredThousandDevices)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

// Signing identities made by openssl at start-up.
const Identity& identity_for(int key) {
    static const Identity rsa = make_identity("rsa", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048");
    static const Identity p256 = make_identity("p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256");
    return key == 0 ? rsa : p256;
}

const std::string kSeed(32, '\x42');

// A signed profile: render + CMS SignedData with a key loaded once (the renderer keeps it).
void BM_SignedProfile(benchmark::State& state) {
    const Identity& identity = identity_for(static_cast<int>(state.range(0)));
    if (identity.key_pem.empty()) {
        state.SkipWithError("openssl could not make a signing identity");
        return;
    }
    RenderOptions options = example_options();
    options.signing = SigningMaterial{identity.certificate_pem, identity.key_pem, ""};
    options.signing_time = 1795000000;
    options.random_bytes = std::string(16, '\x01') + kSeed;
    PolicyRenderer renderer(example_policy(), options);
    const DeviceRecord device = device_number(42);
    for (auto _ : state) {
        RenderResult r = renderer.render(&device, RenderFormat::mobileconfig);
        if (!r.ok()) {
            state.SkipWithError("signing failed");
            return;
        }
        benchmark::DoNotOptimize(r.bytes.data());
    }
}
BENCHMARK(BM_SignedProfile)->Arg(0)->Arg(1)->ArgName("key_0rsa2048_1p256")->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);

// The bare signature with the same key over the same profile bytes: SHA-256 + one signature.
void BM_BareSignature(benchmark::State& state) {
    const Identity& identity = identity_for(static_cast<int>(state.range(0)));
    cms::Signer::Load load = cms::Signer::load(identity.certificate_pem, identity.key_pem, "");
    if (!load.signer) {
        state.SkipWithError(load.error.c_str());
        return;
    }
    const DeviceRecord device = device_number(42);
    const std::string profile = render_profile(example_policy(), &device, example_options()).bytes;
    for (auto _ : state) {
        cms::SignResult r = load.signer->sign_bare(profile, kSeed);
        benchmark::DoNotOptimize(r.der.data());
    }
}
BENCHMARK(BM_BareSignature)->Arg(0)->Arg(1)->ArgName("key_0rsa2048_1p256")->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);

/// Runs the peers on the profile this program renders for device 42 and prints ours against theirs.
void print_peer_ratios(const bench::MedianReporter& reporter) {
    const std::optional<double> ours = reporter.cpu_ns("BM_UnsignedProfile");
    const std::optional<double> hundred_thousand = reporter.cpu_ns("BM_HundredThousandDevices");
    if (hundred_thousand)
        std::printf("\nper-device rendering from a prepared policy: %.0f ns per profile, 100,000 in %.3f s "
                    "(target <= 2000 ns, <= 0.2 s)\n",
                    *hundred_thousand / 100000, *hundred_thousand / 1e9);
    if (!ours) return;
    const std::string fixture = std::string(ACMEPOLICY_BINARY_DIR) + "/bench_render_peer_profile.xml";
    const DeviceRecord device = device_number(42);
    std::ofstream(fixture, std::ios::binary) << render_profile(example_policy(), &device, example_options()).bytes;
    std::printf("\none unsigned profile, ours / peer, median CPU time per profile (peers only write the\n"
                "already-built document; ours also fills in the device and derives its UUIDs):\n");
    const auto print = [&](const char* peer, const char* target, std::optional<double> theirs) {
        if (!theirs || *theirs <= 0) {
            std::printf("  %-24s not measured (see stderr)\n", peer);
            return;
        }
        std::printf("  %-24s %9.0f ns / %9.0f ns = %.3fx   (target %s)\n", peer, *ours, *theirs, *ours / *theirs,
                    target);
    };
    const std::string go = ACMEPOLICY_GO_PROGRAM;
    if (go.empty()) {
        std::printf("  Go encoding/xml          not measured (no go on this machine)\n");
    } else {
        // The peer module needs nothing but the standard library: nothing is downloaded.
        const std::string home = std::string(ACMEPOLICY_BINARY_DIR) + "/go-peer-home";
        const std::string binary = std::string(ACMEPOLICY_BINARY_DIR) + "/bench_render_go_peer";
        const std::string build = "cd " + bench::shell_quote(std::string(ACMEPOLICY_SOURCE_DIR) + "/bench/peers/go") +
                                  " && GOCACHE=" + bench::shell_quote(home + "/cache") +
                                  " GOPATH=" + bench::shell_quote(home + "/path") +
                                  " GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local " + bench::shell_quote(go) +
                                  " build -o " + bench::shell_quote(binary) + " . 2>&1";
        if (std::system(build.c_str()) != 0)
            print("Go encoding/xml", "<= 0.5x", std::nullopt);
        else
            print("Go encoding/xml", "<= 0.5x",
                  bench::run_peer(bench::shell_quote(binary) + " " + bench::shell_quote(fixture) + " 2>&1"));
    }
    const std::string python = ACMEPOLICY_PYTHON_PROGRAM;
    if (python.empty())
        std::printf("  Python plistlib          not measured (no python3 on this machine)\n");
    else
        print("Python plistlib", "faster", bench::run_peer(bench::shell_quote(python) + " " +
                                                          bench::shell_quote(std::string(ACMEPOLICY_SOURCE_DIR) +
                                                                             "/bench/peers/plistlib_peer.py") +
                                                          " " + bench::shell_quote(fixture) + " 2>&1"));
}

}  // namespace

int main(int argc, char** argv) { return bench::run_beside_peers(argc, argv, print_peer_ratios); }
