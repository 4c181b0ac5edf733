// CMS SignedData: every signature is checked by `openssl cms -verify` against identities made by openssl.
#include <gtest/gtest.h>

#include <memory>

#include "acmepolicy/cms.hpp"
#include "acmepolicy/plist.hpp"
#include "test_identities.hpp"

using namespace acmepolicy;
using namespace acmepolicy::testing;

namespace {

const std::string kSeed(32, '\x5a');
const std::int64_t kSigningTime = 1795867200;  // 2026-11-28T12:00:00Z

class Cms : public ::testing::TestWithParam<std::string> {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<ScratchDir>();
        for (const char* algorithm : {"rsa", "P-256", "P-384"})
            (*identities_)[algorithm] = make_identity(identity_dir(), algorithm);
    }
    static void TearDownTestSuite() {
        identities_->clear();
        dir_.reset();
    }

    const Identity& identity() {
        const Identity& id = (*identities_)[GetParam()];
        EXPECT_EQ(id.error, "");
        return id;
    }

    /// Runs openssl cms -verify on `der`; returns the exit code and sets `content` to what it outputs.
    static int verify(const std::string& der, const Identity& id, std::string& content) {
        static int counter = 0;
        const std::string base = dir_->file("verify-" + std::to_string(++counter));
        write_file(base + ".der", der);
        const ProcessResult r = run_process("openssl cms -verify -inform DER -in '" + base + ".der' -CAfile '" +
                                            id.root_path + "' -purpose any -out '" + base + ".out' 2>&1");
        content = read_file(base + ".out");
        return r.exit_code;
    }

    static std::string profile() {
        return plist::write_xml(plist::Dict{{"PayloadType", "Configuration"},
                                            {"PayloadDisplayName", "ACME <&> ]]> \"q\" \xE6\x97\xA5\xE6\x9C\xAC"},
                                            {"PayloadVersion", 1}});
    }

    static inline std::unique_ptr<ScratchDir> dir_;
    static inline std::unique_ptr<std::map<std::string, Identity>> identities_ =
        std::make_unique<std::map<std::string, Identity>>();
};

}  // namespace

TEST_P(Cms, OpensslVerifiesAndOutputsTheExactContent) {
    const Identity& id = identity();
    const std::string content = profile();
    const cms::SignResult r = cms::sign_cms(content, id.signer_pem, id.signer_key_pkcs8, id.intermediate_pem,
                                            kSigningTime, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    std::string output;
    EXPECT_EQ(verify(r.der, id, output), 0);
    EXPECT_EQ(output, content);
}

TEST_P(Cms, TraditionalKeyFormsWork) {
    const Identity& id = identity();
    const cms::SignResult r = cms::sign_cms("hello", id.signer_pem, id.signer_key_traditional, id.intermediate_pem,
                                            kSigningTime, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    std::string output;
    EXPECT_EQ(verify(r.der, id, output), 0);
    EXPECT_EQ(output, "hello");
}

TEST_P(Cms, WithoutTheChainTheIntermediateIsMissing) {
    // The intermediate travels only in `certificates`: leaving it out must make verification fail, which
    // shows the chain is really included when given.
    const Identity& id = identity();
    const cms::SignResult r = cms::sign_cms("x", id.signer_pem, id.signer_key_pkcs8, "", kSigningTime, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    std::string output;
    EXPECT_NE(verify(r.der, id, output), 0);
}

TEST_P(Cms, AFlippedByteFailsVerification) {
    const Identity& id = identity();
    const std::string content = profile();
    const cms::SignResult r = cms::sign_cms(content, id.signer_pem, id.signer_key_pkcs8, id.intermediate_pem,
                                            kSigningTime, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    const std::size_t at = r.der.find(content);
    ASSERT_NE(at, std::string::npos);
    std::string output;
    std::string tampered = r.der;
    tampered[at + 100] = static_cast<char>(tampered[at + 100] ^ 0x01);  // in the content
    EXPECT_NE(verify(tampered, id, output), 0);
    tampered = r.der;
    tampered[tampered.size() - 3] = static_cast<char>(tampered[tampered.size() - 3] ^ 0x40);  // in the signature
    EXPECT_NE(verify(tampered, id, output), 0);
}

TEST_P(Cms, SignedAttributesCarryTheSigningTime) {
    const Identity& id = identity();
    const cms::SignResult r = cms::sign_cms("t", id.signer_pem, id.signer_key_pkcs8, id.intermediate_pem,
                                            kSigningTime, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    const std::string path = dir_->file("print-" + GetParam() + ".der");
    write_file(path, r.der);
    const ProcessResult printed = run_process("openssl cms -cmsout -print -inform DER -in '" + path + "'");
    ASSERT_EQ(printed.exit_code, 0);
    EXPECT_NE(printed.out.find("signingTime"), std::string::npos);
    EXPECT_NE(printed.out.find("Nov 28 12:00:00 2026 GMT"), std::string::npos) << printed.out;
    EXPECT_NE(printed.out.find("messageDigest"), std::string::npos);
    EXPECT_NE(printed.out.find("contentType"), std::string::npos);
}

TEST_P(Cms, LargeContentAndGeneralizedTime) {
    const Identity& id = identity();
    const std::string content(200000, 'A');
    const cms::SignResult r = cms::sign_cms(content, id.signer_pem, id.signer_key_pkcs8, id.intermediate_pem,
                                            4102444800 /* 2100-01-01 */, kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    std::string output;
    EXPECT_EQ(verify(r.der, id, output), 0);
    EXPECT_EQ(output, content);
}

TEST_P(Cms, RepeatedSignaturesOfTheSameInputsAllVerify) {
    // Natively OpenSSL draws a fresh ECDSA nonce per signature, so EC signatures are not byte-stable:
    // what must hold is that every one of them verifies and carries the same content. PKCS#1 v1.5 has no
    // nonce, so RSA signatures of the same inputs stay identical.
    const Identity& id = identity();
    const auto sign = [&](const std::string& seed) {
        return cms::sign_cms("stable", id.signer_pem, id.signer_key_pkcs8, id.intermediate_pem, kSigningTime, seed).der;
    };
    const std::string a = sign(kSeed);
    const std::string b = sign(kSeed);
    const std::string c = sign(std::string(32, '\x11'));
    for (const std::string* der : {&a, &b, &c}) {
        ASSERT_FALSE(der->empty());
        std::string output;
        EXPECT_EQ(verify(*der, id, output), 0);
        EXPECT_EQ(output, "stable");
    }
    if (GetParam() == "rsa") {
        EXPECT_EQ(a, b);
        EXPECT_EQ(a, c);
    }
}

TEST_P(Cms, BareSignatureVerifiesWithOpensslDgst) {
    const Identity& id = identity();
    cms::Signer::Load load = cms::Signer::load(id.signer_pem, id.signer_key_pkcs8, "");
    ASSERT_TRUE(load.signer) << load.error;
    EXPECT_EQ(load.signer->key_type(), GetParam() == "rsa" ? "RSA" : "EC");
    const cms::SignResult r = load.signer->sign_bare("bare content", kSeed);
    ASSERT_TRUE(r.ok()) << r.error;
    const std::string base = dir_->file("bare-" + GetParam());
    write_file(base + ".sig", r.der);
    write_file(base + ".txt", "bare content");
    const ProcessResult v = run_process("openssl dgst -sha256 -verify '" + id.signer_public_key_path +
                                        "' -signature '" + base + ".sig' '" + base + ".txt' 2>&1");
    EXPECT_EQ(v.exit_code, 0) << v.out;
    write_file(base + ".txt", "bare contenT");
    EXPECT_NE(run_process("openssl dgst -sha256 -verify '" + id.signer_public_key_path + "' -signature '" + base +
                          ".sig' '" + base + ".txt' 2>&1")
                  .exit_code,
              0);
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, Cms, ::testing::Values("rsa", "P-256", "P-384"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             return param.param == "rsa" ? std::string("RSA2048")
                                                        : param.param == "P-256" ? std::string("P256") : std::string("P384");
                         });

class CmsErrors : public Cms {};

TEST_F(CmsErrors, BadInputsGiveSentencesNotCrashes) {
    const Identity& rsa = (*identities_)["rsa"];
    const Identity& ec = (*identities_)["P-256"];
    ASSERT_EQ(rsa.error, "");
    ASSERT_EQ(ec.error, "");
    const auto error_of = [](std::string_view cert, std::string_view key, std::string_view chain,
                             std::string_view seed) {
        const cms::SignResult r = cms::sign_cms("c", cert, key, chain, kSigningTime, seed);
        EXPECT_TRUE(r.der.empty());
        return r.error;
    };
    EXPECT_NE(error_of(rsa.signer_pem, ec.signer_key_pkcs8, "", kSeed).find("does not belong"), std::string::npos);
    EXPECT_NE(error_of(rsa.signer_pem, "garbage", "", kSeed).find("key cannot be read"), std::string::npos);
    EXPECT_NE(error_of("", rsa.signer_key_pkcs8, "", kSeed).find("certificate"), std::string::npos);
    EXPECT_NE(error_of(rsa.signer_pem + rsa.root_pem, rsa.signer_key_pkcs8, "", kSeed).find("exactly one"),
              std::string::npos);
    EXPECT_NE(error_of(rsa.signer_pem, rsa.signer_key_pkcs8, "-----BEGIN CERTIFICATE-----\nAAAA\n", kSeed)
                  .find("chain"),
              std::string::npos);
    EXPECT_NE(error_of(rsa.signer_pem, rsa.signer_key_pkcs8, "", "short").find("random bytes"), std::string::npos);
    EXPECT_NE(cms::sign_cms("c", rsa.signer_pem, rsa.signer_key_pkcs8, "", 253402300800, kSeed).error, "");
    EXPECT_NE(cms::sign_cms("c", rsa.signer_pem, rsa.signer_key_pkcs8, "", -62135596801, kSeed).error, "");
    const std::string encrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    EXPECT_NE(error_of(rsa.signer_pem, encrypted, "", kSeed), "");
}
