// Rule 15: ca_certificates, with certificates made by the real openssl at test time and `now` pinned
// relative to the dates openssl reports for them.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "acmepolicy/certificate.hpp"
#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;

std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    ::pclose(pipe);
    return output;
}

std::string slurp(const std::string& path) {
    std::ifstream file(path);
    std::stringstream buffer;
    buffer << file.rdbuf();
    return buffer.str();
}

// "notAfter=2027-01-07 17:12:28Z" as printed by `openssl x509 -dateopt iso_8601`.
std::int64_t openssl_date(const std::string& pem_path, const char* which) {
    std::string line = run("openssl x509 -in " + pem_path + " -noout -dateopt iso_8601 -" + which);
    const auto eq = line.find('=');
    line = line.substr(eq + 1);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.size() > 10) line[10] = 'T';
    const auto seconds = parse_rfc3339(line);
    return seconds ? *seconds : -1;
}

class CaCertificates : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        char pattern[] = "/tmp/acmepolicy-validation-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
        // A CA valid for 40 days (openssl req -x509 marks it basicConstraints CA:TRUE), and a leaf.
        ASSERT_EQ(std::system(("openssl req -x509" + ec + "-keyout " + dir_ + "/ca.key -out " + dir_ +
                               "/ca.pem -days 40 -subj '/CN=Test Root CA' 2>/dev/null")
                                  .c_str()),
                  0);
        ASSERT_EQ(std::system(("openssl req -x509" + ec + "-keyout " + dir_ + "/leaf.key -out " + dir_ +
                               "/leaf.pem -days 40 -subj '/CN=leaf.example.com' -addext basicConstraints=critical,CA:FALSE "
                               "2>/dev/null")
                                  .c_str()),
                  0);
        ca_ = slurp(dir_ + "/ca.pem");
        leaf_ = slurp(dir_ + "/leaf.pem");
        not_before_ = openssl_date(dir_ + "/ca.pem", "startdate");
        not_after_ = openssl_date(dir_ + "/ca.pem", "enddate");
        ASSERT_GT(not_before_, 0);
        ASSERT_GT(not_after_, not_before_);
    }
    static void TearDownTestSuite() { std::system(("rm -rf " + dir_).c_str()); }

    static PolicyCheck check(const json& certificates, std::optional<std::int64_t> now) {
        ValidationOptions options;
        options.now = now;
        return testing::check_changed([&](json& d) { d["ca_certificates"] = certificates; }, options);
    }

    static inline std::string dir_, ca_, leaf_;
    static inline std::int64_t not_before_ = 0, not_after_ = 0;
};

TEST_F(CaCertificates, ValidCaPasses) {
    const PolicyCheck result = check(json::array({ca_}), not_before_ + 3600);
    EXPECT_TRUE(result.report.empty()) << testing::describe(result.report);
    ASSERT_TRUE(result.policy.has_value());
    EXPECT_EQ(result.policy->ca_certificates.size(), 1u);
}

TEST_F(CaCertificates, LeafIsNotACa) {
    EXPECT_FINDING(check(json::array({ca_, leaf_}), not_before_ + 3600), error, "cacertificates.not_ca",
                   "/ca_certificates/1");
}

TEST_F(CaCertificates, GarbageAndBundlesAreInvalid) {
    EXPECT_FINDING(check(json::array({"not a certificate"}), std::nullopt), error, "cacertificates.invalid",
                   "/ca_certificates/0");
    std::string broken = ca_;
    broken[broken.size() / 2] = broken[broken.size() / 2] == 'A' ? 'B' : 'A';
    broken.insert(broken.size() / 2, "!!");
    EXPECT_FINDING(check(json::array({broken}), std::nullopt), error, "cacertificates.invalid", "/ca_certificates/0");
    EXPECT_FINDING(check(json::array({ca_ + leaf_}), std::nullopt), error, "cacertificates.invalid", "/ca_certificates/0");
}

TEST_F(CaCertificates, ValidityAgainstThePinnedTime) {
    EXPECT_FINDING(check(json::array({ca_}), not_after_ + 1), error, "cacertificates.expired", "/ca_certificates/0");
    EXPECT_FINDING(check(json::array({ca_}), not_before_ - 1), error, "cacertificates.not_yet_valid", "/ca_certificates/0");
    const PolicyCheck expiring = check(json::array({ca_}), not_after_ - 29 * 24 * 3600);
    EXPECT_FINDING(expiring, warning, "cacertificates.expiring", "/ca_certificates/0");
    EXPECT_TRUE(expiring.report.valid());
    EXPECT_TRUE(check(json::array({ca_}), not_after_ - 31 * 24 * 3600).report.empty());
    // Without a time, validity periods are not checked (the core never reads a clock).
    EXPECT_TRUE(check(json::array({ca_}), std::nullopt).report.empty());
}

}  // namespace
}  // namespace acmepolicy
