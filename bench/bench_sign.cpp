// Signing cost: a CMS SignedData profile (cms::Signer::sign) against the peer a user would pick instead,
// OpenSSL's own CMS_sign in this process with the same key and certificate over the same bytes (DER out),
// for RSA-2048, EC P-256 and EC P-384; the bare signature with the same key (SHA-256 + one signature,
// cms::Signer::sign_bare) is shown as the floor. Target: ours ≤ 1.3× CMS_sign. The program prints both
// ratios per key type after the benchmark table. Keys and self-signed certificates are made with
// `openssl` in a temporary folder at start-up.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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

/// The peer's identity: the same PEM texts read by OpenSSL.
struct OpensslIdentity {
    X509* certificate = nullptr;
    EVP_PKEY* key = nullptr;
    explicit OpensslIdentity(const Identity& identity) {
        BIO* bio = BIO_new_mem_buf(identity.certificate_pem.data(), static_cast<int>(identity.certificate_pem.size()));
        certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        bio = BIO_new_mem_buf(identity.key_pem.data(), static_cast<int>(identity.key_pem.size()));
        key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
    }
    ~OpensslIdentity() {
        X509_free(certificate);
        EVP_PKEY_free(key);
    }
    OpensslIdentity(const OpensslIdentity&) = delete;
    OpensslIdentity& operator=(const OpensslIdentity&) = delete;
};

// The peer: CMS_sign (SHA-256, signed attributes, the signer certificate included; no S/MIME
// capabilities, which our profiles do not carry either) and its DER encoding, per profile.
void BM_OpensslCmsSign(benchmark::State& state) {
    const OpensslIdentity identity(identity_for(static_cast<std::size_t>(state.range(0))));
    if (identity.certificate == nullptr || identity.key == nullptr) {
        state.SkipWithError("OpenSSL cannot read the signing identity");
        return;
    }
    const std::string content = profile();
    for (auto _ : state) {
        BIO* in = BIO_new_mem_buf(content.data(), static_cast<int>(content.size()));
        CMS_ContentInfo* cms = CMS_sign(identity.certificate, identity.key, nullptr, in, CMS_BINARY | CMS_NOSMIMECAP);
        unsigned char* der = nullptr;
        const int length = cms != nullptr ? i2d_CMS_ContentInfo(cms, &der) : -1;
        CMS_ContentInfo_free(cms);
        BIO_free(in);
        if (length <= 0) {
            state.SkipWithError("CMS_sign failed");
            return;
        }
        benchmark::DoNotOptimize(der);
        OPENSSL_free(der);
    }
    state.SetLabel(kKeyTypes[state.range(0)].name);
}

BENCHMARK(BM_CmsSignedProfile)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_OpensslCmsSign)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_BareSignature)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->Repetitions(3)->ReportAggregatesOnly(true);

/// The console table, plus per key type our median against the peer's (CMS_sign) and the bare signature's.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.aggregate_name != "median") continue;
            medians_[run.run_name.function_name][run.report_label] = {run.GetAdjustedCPUTime(),
                                                                      run.GetAdjustedRealTime()};
        }
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        // CPU time is the figure to judge on a shared machine; wall time is shown for completeness.
        print("ours (CMS SignedData profile) / OpenSSL CMS_sign, medians (target <= 1.30x):", "BM_OpensslCmsSign");
        print("ours / bare signature with the same key, medians (the floor):", "BM_BareSignature");
    }

private:
    struct Times {
        double cpu = 0, real = 0;
    };
    using ByKey = std::map<std::string, Times>;

    void print(const char* title, const std::string& other_name) {
        const ByKey& ours = medians_["BM_CmsSignedProfile"];
        const ByKey& other = medians_[other_name];
        std::printf("\n%s\n", title);
        for (const auto& [key, mine] : ours) {
            auto it = other.find(key);
            if (it == other.end() || it->second.cpu <= 0 || it->second.real <= 0) continue;
            std::printf("  %-8s cpu %9.1f us / %9.1f us = %.3fx   wall %9.1f us / %9.1f us = %.3fx\n", key.c_str(),
                        mine.cpu, it->second.cpu, mine.cpu / it->second.cpu, mine.real, it->second.real,
                        mine.real / it->second.real);
        }
    }

    std::map<std::string, ByKey> medians_;
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
