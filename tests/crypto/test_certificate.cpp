// Certificate reading and api_inspect_certificate, compared with what `openssl x509` says of the same files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "test_identities.hpp"

using namespace acmepolicy;
using namespace acmepolicy::testing;

namespace {

/// What `openssl x509` says of a certificate file: "serial", "sha256 Fingerprint", "notBefore", "notAfter".
std::map<std::string, std::string> openssl_fields(const std::string& pem_path) {
    const ProcessResult r = run_process("openssl x509 -noout -dateopt iso_8601 -serial -fingerprint -sha256 "
                                        "-startdate -enddate -in '" + pem_path + "' 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::map<std::string, std::string> fields;
    std::size_t start = 0;
    while (start < r.out.size()) {
        std::size_t end = r.out.find('\n', start);
        if (end == std::string::npos) end = r.out.size();
        const std::string line = r.out.substr(start, end - start);
        const std::size_t eq = line.find('=');
        if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
        start = end + 1;
    }
    return fields;
}

std::string lower_without_colons(std::string s) {
    std::string out;
    for (char c : s)
        if (c != ':') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return out;
}

/// "2026-12-28 17:07:31Z" (openssl's iso_8601) → "2026-12-28T17:07:31Z".
std::string iso_to_rfc3339(std::string s) {
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    return s;
}

class Certificates : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        for (const char* algorithm : {"rsa", "P-256", "P-384"})
            (*identities_)[algorithm] = make_identity(identity_dir(), algorithm);
    }
    static std::string path(const std::string& algorithm, const std::string& file) {
        return identity_dir() + "/" + algorithm + "-" + file;
    }
    static inline std::unique_ptr<std::map<std::string, Identity>> identities_ =
        std::make_unique<std::map<std::string, Identity>>();
};

}  // namespace

TEST_F(Certificates, DescribesLikeOpenssl) {
    const std::pair<const char*, std::size_t> cases[] = {{"rsa", 2048}, {"P-256", 256}, {"P-384", 384}};
    for (const auto& [algorithm, bits] : cases) {
        ASSERT_EQ((*identities_)[algorithm].error, "");
        for (const char* file : {"root.pem", "int.pem", "signer.pem"}) {
            const std::string p = path(algorithm, file);
            const CertificateRead read = read_pem_certificate(read_file(p));
            ASSERT_TRUE(read.certificate) << read.error;
            const CertificateInfo& c = *read.certificate;
            EXPECT_EQ(c.key_type, std::string(algorithm) == "rsa" ? "RSA" : "EC");
            EXPECT_EQ(c.key_bits, bits);
            EXPECT_EQ(c.is_ca, std::string(file) != "signer.pem") << file;
            std::map<std::string, std::string> openssl = openssl_fields(p);
            EXPECT_EQ(c.serial_hex, lower_without_colons(openssl["serial"])) << p;
            EXPECT_EQ(c.sha256_fingerprint, lower_without_colons(openssl["sha256 Fingerprint"])) << p;
            EXPECT_EQ(format_rfc3339(c.not_before), iso_to_rfc3339(openssl["notBefore"])) << p;
            EXPECT_EQ(format_rfc3339(c.not_after), iso_to_rfc3339(openssl["notAfter"])) << p;
            EXPECT_EQ(c.not_after - c.not_before, (std::string(file) == "signer.pem" ? 365 : 3650) * 86400LL);
        }
    }
    const CertificateInfo root = *read_pem_certificate((*identities_)["rsa"].root_pem).certificate;
    EXPECT_EQ(root.subject, "CN=Test Root rsa, O=acmepolicy tests");
    EXPECT_EQ(root.issuer, root.subject);
    const CertificateInfo intermediate = *read_pem_certificate((*identities_)["rsa"].intermediate_pem).certificate;
    EXPECT_EQ(intermediate.serial_hex, "80aa01");  // the DER sign byte is not part of the serial
    EXPECT_EQ(intermediate.issuer, root.subject);
}

TEST_F(Certificates, ReadsBundlesAndRefusesWhatIsNotACertificate) {
    const Identity& id = (*identities_)["P-256"];
    ASSERT_EQ(id.error, "");
    const CertificateChainRead chain =
        read_pem_certificates("subject=intermediate\n" + id.intermediate_pem + "\nsubject=root\n" + id.root_pem);
    EXPECT_EQ(chain.error, "");
    ASSERT_EQ(chain.certificates.size(), 2u);
    EXPECT_TRUE(chain.certificates[0].subject.find("Intermediate") != std::string::npos);
    EXPECT_TRUE(read_pem_certificates("").certificates.empty());
    EXPECT_EQ(read_pem_certificates("").error, "");

    EXPECT_EQ(read_pem_certificate("").error_code, "certificate.missing");
    EXPECT_EQ(read_pem_certificate(id.root_pem + id.intermediate_pem).error_code, "certificate.multiple");
    EXPECT_EQ(read_pem_certificates(id.root_pem + id.signer_key_pkcs8).error_code, "certificate.not_certificate");
    EXPECT_EQ(read_pem_certificate("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n").error_code,
              "certificate.malformed_pem");
    EXPECT_EQ(read_pem_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n").error_code, "certificate.malformed_pem");
    EXPECT_EQ(read_pem_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END X-----\n").error_code,
              "certificate.malformed_pem");
    EXPECT_EQ(read_pem_certificate("-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n").error_code,
              "certificate.unparseable");
    std::string truncated = id.root_pem;
    truncated.erase(truncated.size() / 2, 80);
    EXPECT_FALSE(read_pem_certificate(truncated).certificate);
}

TEST_F(Certificates, InspectApi) {
    const Identity& id = (*identities_)["P-384"];
    ASSERT_EQ(id.error, "");
    ApiResult r = api_inspect_certificate(id.root_pem, "");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    nlohmann::json j = nlohmann::json::parse(r.json);
    EXPECT_EQ(j["subject"], "CN=Test Root P-384, O=acmepolicy tests");
    EXPECT_EQ(j["issuer"], j["subject"]);
    EXPECT_EQ(j["is_ca"], true);
    EXPECT_EQ(j["key_type"], "EC");
    EXPECT_EQ(j["key_bits"], 384);
    std::map<std::string, std::string> openssl = openssl_fields(path("P-384", "root.pem"));
    EXPECT_EQ(j["serial"], lower_without_colons(openssl["serial"]));
    EXPECT_EQ(j["sha256_fingerprint"], lower_without_colons(openssl["sha256 Fingerprint"]));
    EXPECT_EQ(j["not_after"], iso_to_rfc3339(openssl["notAfter"]));
    EXPECT_TRUE(parse_rfc3339(j["not_before"].get<std::string>()));

    r = api_inspect_certificate("nothing here", "{}");
    ASSERT_EQ(r.status, ApiStatus::invalid_input);
    j = nlohmann::json::parse(r.json);
    ASSERT_EQ(j["diagnostics"].size(), 1u);
    EXPECT_EQ(j["diagnostics"][0]["code"], "certificate.missing");
    EXPECT_EQ(j["diagnostics"][0]["path"], "");
    EXPECT_EQ(j["diagnostics"][0]["severity"], "error");

    EXPECT_EQ(api_inspect_certificate(id.root_pem, "[1]").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_inspect_certificate(std::string("\0\xff", 2), "").status, ApiStatus::invalid_input);
}
