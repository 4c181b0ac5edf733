// Reading CertificateList answers: every field of a real answer, the JSON form, and hostile input that
// must give stable codes and never crash (truncations, garbage, wrong types, over the limits).
#include <gtest/gtest.h>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/plist.hpp"
#include "lifecycle_fixtures.hpp"

namespace acmepolicy {
namespace {

using test::CertSpec;

plist::Value entry(const std::string& der, const std::string& cn, bool identity) {
    return plist::Dict{{"CommonName", cn}, {"Data", plist::Data{der}}, {"IsIdentity", identity}};
}

std::string answer(plist::Array entries) {
    return plist::write_xml(plist::Dict{{"CertificateList", std::move(entries)},
                                        {"CommandUUID", "0A1B2C3D-0000-4000-8000-000000000001"},
                                        {"Status", "Acknowledged"},
                                        {"UDID", "00008110-000A1C2E3F40801E"}});
}

std::vector<std::string> codes(const Report& report) {
    std::vector<std::string> out;
    for (const auto& d : report.diagnostics()) out.push_back(d.code + " " + d.path);
    return out;
}

TEST(CertificateList, ReadsEveryField) {
    CertSpec spec;
    spec.serial = "4660";  // 0x1234
    spec.not_before = "20261101083000";
    spec.not_after = "20270201083000";
    spec.sans = {{test::kDns, "C02XK1ABJG5H.devices.example.com"}};
    const std::string der = test::make_der(spec);
    CertSpec root;
    root.subject = root.issuer;
    root.ca = true;
    const std::string root_der = test::make_der(root);
    const CertificateListRead read =
        read_certificate_list(answer({entry(der, "C02XK1ABJG5H", true), entry(root_der, "Example Device CA", false)}));
    ASSERT_TRUE(read.ok()) << codes(read.report).size();
    EXPECT_TRUE(read.report.empty());
    ASSERT_EQ(read.certificates.size(), 2u);
    const DeviceCertificate& c = read.certificates[0];
    EXPECT_EQ(c.common_name, "C02XK1ABJG5H");
    EXPECT_TRUE(c.is_identity);
    EXPECT_EQ(c.info.subject, "CN=C02XK1ABJG5H, O=Example Inc.");
    EXPECT_EQ(c.info.issuer, "CN=Example Device CA, O=Example Inc.");
    EXPECT_EQ(c.info.serial_hex, "1234");
    EXPECT_EQ(c.info.not_before, parse_rfc3339("2026-11-01T08:30:00Z").value());
    EXPECT_EQ(c.info.not_after, parse_rfc3339("2027-02-01T08:30:00Z").value());
    EXPECT_EQ(c.info.key_type, "EC");
    EXPECT_EQ(c.info.key_bits, 256u);
    EXPECT_EQ(c.info.sha256_fingerprint, crypto::to_hex(crypto::sha256(der)));
    EXPECT_EQ(c.info.sha256_fingerprint.size(), 64u);
    ASSERT_EQ(c.dns_names.size(), 1u);
    EXPECT_EQ(c.dns_names[0], "C02XK1ABJG5H.devices.example.com");
    ASSERT_EQ(c.subject_attributes.size(), 2u);
    EXPECT_EQ(c.subject_attributes[0].oid, "2.5.4.3");
    EXPECT_EQ(c.subject_attributes[0].value, "C02XK1ABJG5H");
    EXPECT_EQ(c.subject_attributes[1].oid, "2.5.4.10");
    EXPECT_FALSE(read.certificates[1].is_identity);
    EXPECT_TRUE(read.certificates[1].info.is_ca);
    // The JSON description carries the same facts.
    const nlohmann::json j = to_json(c);
    EXPECT_EQ(j["serial"], "1234");
    EXPECT_EQ(j["not_after"], "2027-02-01T08:30:00Z");
    EXPECT_EQ(j["is_identity"], true);
    EXPECT_EQ(j["sha256_fingerprint"], c.info.sha256_fingerprint);
}

TEST(CertificateList, AnswerLevelProblemsAreErrors) {
    EXPECT_EQ(codes(read_certificate_list("").report).front().substr(0, 6), "plist.");
    EXPECT_EQ(codes(read_certificate_list("not a plist").report).front().substr(0, 6), "plist.");
    EXPECT_EQ(codes(read_certificate_list(plist::write_xml(plist::Array{})).report),
              std::vector<std::string>{"certificate_list.not_dict "});
    EXPECT_EQ(codes(read_certificate_list(plist::write_xml(plist::Dict{{"Status", "Error"}})).report),
              std::vector<std::string>{"certificate_list.missing "});
    EXPECT_EQ(codes(read_certificate_list(plist::write_xml(plist::Dict{{"CertificateList", "x"}})).report),
              std::vector<std::string>{"certificate_list.missing /CertificateList"});
    CertificateListLimits limits;
    limits.max_certificates = 2;
    const std::string der = test::make_der(CertSpec{});
    const auto many = read_certificate_list(answer({entry(der, "a", true), entry(der, "b", true), entry(der, "c", true)}), limits);
    EXPECT_EQ(codes(many.report), std::vector<std::string>{"certificate_list.too_many /CertificateList"});
    EXPECT_TRUE(many.certificates.empty());
    limits.max_document_bytes = 100;
    EXPECT_EQ(codes(read_certificate_list(answer({entry(der, "a", true)}), limits).report).front(), "plist.too_large ");
}

TEST(CertificateList, BadEntriesAreSkippedWithWarnings) {
    const std::string der = test::make_der(CertSpec{});
    plist::Array entries = {
        entry(der, "good", true),
        plist::Value("a string"),
        plist::Dict{{"CommonName", "no data"}},
        plist::Dict{{"Data", "not data"}},
        plist::Dict{{"Data", plist::Data{der}}, {"CommonName", 5}},
        plist::Dict{{"Data", plist::Data{der}}, {"IsIdentity", "yes"}},
        plist::Dict{{"Data", plist::Data{"garbage"}}},
        plist::Dict{{"Data", plist::Data{der.substr(0, der.size() / 2)}}},
        plist::Dict{{"Data", plist::Data{der}}},  // no CommonName, no IsIdentity: read, not an identity
    };
    const CertificateListRead read = read_certificate_list(answer(std::move(entries)));
    EXPECT_TRUE(read.ok());
    EXPECT_EQ(codes(read.report), (std::vector<std::string>{
                                      "certificate_list.entry_invalid /CertificateList/1",
                                      "certificate_list.entry_invalid /CertificateList/2/Data",
                                      "certificate_list.entry_invalid /CertificateList/3/Data",
                                      "certificate_list.entry_invalid /CertificateList/4/CommonName",
                                      "certificate_list.entry_invalid /CertificateList/5/IsIdentity",
                                      "certificate_list.unparseable /CertificateList/6/Data",
                                      "certificate_list.unparseable /CertificateList/7/Data",
                                  }));
    for (const auto& d : read.report.diagnostics()) EXPECT_EQ(d.severity, Severity::warning);
    ASSERT_EQ(read.certificates.size(), 2u);
    EXPECT_EQ(read.certificates[0].common_name, "good");
    EXPECT_FALSE(read.certificates[1].is_identity);
    EXPECT_EQ(read.certificates[1].common_name, "");
}

TEST(CertificateList, EveryTruncationAndCorruptionIsHandled) {
    CertSpec spec;
    spec.sans = {{test::kDns, "a.example.com"}, {test::kUpn, "u@EXAMPLE.COM"}, {test::kEmail, "u@example.com"}};
    const std::string der = test::make_der(spec);
    std::string error;
    for (std::size_t n = 0; n < der.size(); ++n) {
        EXPECT_FALSE(read_device_certificate(der.substr(0, n), error)) << n;
        EXPECT_FALSE(error.empty());
    }
    // Flip every byte in turn: either readable or refused, never a crash; readable ones stay consistent.
    for (std::size_t i = 0; i < der.size(); ++i) {
        std::string bent = der;
        bent[i] = static_cast<char>(bent[i] ^ 0x5A);
        if (auto c = read_device_certificate(bent, error)) {
            EXPECT_EQ(c->info.der, bent);
        }
    }
    // The plist answer itself cut anywhere.
    const std::string text = answer({entry(der, "x", true)});
    for (std::size_t n = 0; n < text.size(); n += 7) {
        const CertificateListRead read = read_certificate_list(text.substr(0, n));
        if (!read.ok()) {
            EXPECT_FALSE(read.report.empty());
        }
    }
}

TEST(CertificateList, JsonFormOfTheEntries) {
    const std::string der = test::make_der(CertSpec{});
    const nlohmann::json entries = nlohmann::json::array({
        {{"CommonName", "C02XK1ABJG5H"}, {"Data", crypto::base64_encode(der)}, {"IsIdentity", true}},
        {{"Data", "!!!"}},
        {{"Data", crypto::base64_encode("garbage")}},
        {{"Data", crypto::base64_encode(der)}, {"IsIdentity", 1}},
        "text",
    });
    const CertificateListRead read = read_certificate_entries(entries, "/devices/0/certificates");
    EXPECT_TRUE(read.ok());
    ASSERT_EQ(read.certificates.size(), 1u);
    EXPECT_TRUE(read.certificates[0].is_identity);
    EXPECT_EQ(codes(read.report), (std::vector<std::string>{
                                      "certificate_list.entry_invalid /devices/0/certificates/1/Data",
                                      "certificate_list.unparseable /devices/0/certificates/2/Data",
                                      "certificate_list.entry_invalid /devices/0/certificates/3/IsIdentity",
                                      "certificate_list.entry_invalid /devices/0/certificates/4",
                                  }));
    EXPECT_EQ(codes(read_certificate_entries(nlohmann::json::object(), "/x").report),
              std::vector<std::string>{"certificate_list.missing /x"});
}

}  // namespace
}  // namespace acmepolicy
