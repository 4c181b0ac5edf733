// Matching certificates to the policy that produced them: issuer, subject and subjectAltName rules,
// identities only, newest wins, foreign certificates ignored, step-ca's CN-only subjects, issuer chains.
#include <algorithm>

#include <gtest/gtest.h>

#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/validate.hpp"
#include "lifecycle_fixtures.hpp"

namespace acmepolicy {
namespace {

using test::CertSpec;
using test::device_certificate;

Policy policy_from(const std::string& json) {
    PolicyCheck check = test::check_text(json);
    EXPECT_TRUE(check.policy.has_value() && check.report.valid()) << json;
    return check.policy.value_or(Policy{});
}

DeviceRecord device() {
    DeviceRecord d;
    d.id = "d-0042";
    d.serial_number = "C02XK1ABJG5H";
    d.udid = "00008110-000A1C2E3F40801E";
    d.user_email = "ana@example.com";
    return d;
}

CertSpec ours() {
    CertSpec spec;
    spec.sans = {{test::kDns, "C02XK1ABJG5H.devices.example.com"}};
    return spec;
}

CertificateMatcher::Match match(const Policy& policy, const std::vector<DeviceCertificate>& certificates,
                                const std::vector<CertificateInfo>& chain = {}) {
    CertificateMatcher matcher(policy, chain);
    EXPECT_TRUE(matcher.report().empty());
    return matcher.match(device(), certificates);
}

TEST(Matching, TheCertificateThePolicyProducedMatches) {
    const Policy policy = policy_from(test::policy_json());
    const auto m = match(policy, {device_certificate(ours())});
    ASSERT_TRUE(m.index);
    EXPECT_EQ(*m.index, 0u);
    EXPECT_EQ(m.matched, 1u);
    EXPECT_EQ(m.foreign, 0u);
    EXPECT_TRUE(m.report.empty());
}

TEST(Matching, ForeignCertificatesAreIgnored) {
    const Policy policy = policy_from(test::policy_json());
    CertSpec other_ca = ours();
    other_ca.issuer = "CN=Wi-Fi CA,O=Example Inc.";
    CertSpec other_device = ours();
    other_device.subject = "CN=SOMEONEELSE,O=Example Inc.";
    CertSpec extra_attribute = ours();
    extra_attribute.subject = "CN=C02XK1ABJG5H,O=Example Inc.,OU=Sales";
    CertSpec missing_attribute = ours();
    missing_attribute.subject = "CN=C02XK1ABJG5H";
    CertSpec no_san = ours();
    no_san.sans.clear();
    CertSpec wrong_san = ours();
    wrong_san.sans = {{test::kDns, "other.devices.example.com"}};
    const std::vector<DeviceCertificate> foreign = {
        device_certificate(other_ca),        device_certificate(other_device), device_certificate(extra_attribute),
        device_certificate(missing_attribute), device_certificate(no_san),     device_certificate(wrong_san),
        device_certificate(ours(), false),   // not an identity (no private key on the device)
    };
    const auto m = match(policy, foreign);
    EXPECT_FALSE(m.index);
    EXPECT_EQ(m.matched, 0u);
    EXPECT_EQ(m.foreign, foreign.size());
    // The CA certificate the profile installed is issued by itself, but it is no identity of this device.
    CertSpec root;
    root.subject = root.issuer;
    root.ca = true;
    EXPECT_FALSE(match(policy, {device_certificate(root, false)}).index);
}

TEST(Matching, SubjectOrderDoesNotMatterAndDnsCaseDoesNot) {
    const Policy policy = policy_from(test::policy_json());
    CertSpec reordered = ours();
    reordered.subject = "O=Example Inc.,CN=C02XK1ABJG5H";
    reordered.sans = {{test::kDns, "c02xk1abjg5h.DEVICES.example.com"}, {test::kDns, "extra.example.com"}};
    EXPECT_TRUE(match(policy, {device_certificate(reordered)}).index);
    // Values are compared exactly: a case change in the CN is another device.
    CertSpec lower = ours();
    lower.subject = "CN=c02xk1abjg5h,O=Example Inc.";
    EXPECT_FALSE(match(policy, {device_certificate(lower)}).index);
}

TEST(Matching, EverySubjectAltNameKindIsCompared) {
    const Policy policy = policy_from(test::policy_json(
        "", R"([[["CN", "{{serial_number}}"]]])",
        R"({"rfc822Name": "{{user_email}}", "dNSName": "{{serial_number}}.example.com",
            "uniformResourceIdentifier": "urn:example:{{udid}}", "ntPrincipalName": "{{serial_number}}@EXAMPLE.COM"})"));
    CertSpec all;
    all.subject = "CN=C02XK1ABJG5H";
    all.sans = {{test::kEmail, "ana@example.com"},
                {test::kDns, "C02XK1ABJG5H.example.com"},
                {test::kUri, "urn:example:00008110-000A1C2E3F40801E"},
                {test::kUpn, "C02XK1ABJG5H@EXAMPLE.COM"}};
    const DeviceCertificate full = device_certificate(all);
    EXPECT_EQ(full.rfc822_names.size(), 1u);
    EXPECT_EQ(full.uris.size(), 1u);
    ASSERT_EQ(full.nt_principal_names.size(), 1u);
    EXPECT_EQ(full.nt_principal_names[0], "C02XK1ABJG5H@EXAMPLE.COM");
    EXPECT_TRUE(match(policy, {full}).index);
    for (std::size_t drop = 0; drop < all.sans.size(); ++drop) {
        CertSpec partial = all;
        partial.sans.erase(partial.sans.begin() + static_cast<std::ptrdiff_t>(drop));
        EXPECT_FALSE(match(policy, {device_certificate(partial)}).index) << "without SAN " << drop;
    }
}

TEST(Matching, DottedOidAttributeTypes) {
    // emailAddress (1.2.840.113549.1.9.1) has multi-byte arcs; serialNumber is 2.5.4.5.
    const Policy policy = policy_from(test::policy_json(
        "", R"([[["CN", "{{serial_number}}"]], [["1.2.840.113549.1.9.1", "{{user_email}}"]], [["2.5.4.5", "{{udid}}"]]])",
        ""));
    CertSpec spec;
    spec.subject = "CN=C02XK1ABJG5H,emailAddress=ana@example.com,serialNumber=00008110-000A1C2E3F40801E";
    const DeviceCertificate c = device_certificate(spec);
    ASSERT_EQ(c.subject_attributes.size(), 3u);
    std::vector<std::string> oids;
    for (const auto& a : c.subject_attributes) oids.push_back(a.oid);
    std::sort(oids.begin(), oids.end());
    EXPECT_EQ(oids, (std::vector<std::string>{"1.2.840.113549.1.9.1", "2.5.4.3", "2.5.4.5"}));
    EXPECT_TRUE(match(policy, {c}).index);
    spec.subject = "CN=C02XK1ABJG5H,emailAddress=bob@example.com,serialNumber=00008110-000A1C2E3F40801E";
    EXPECT_FALSE(match(policy, {device_certificate(spec)}).index);
}

TEST(Matching, NewestWinsAmongSeveral) {
    const Policy policy = policy_from(test::policy_json());
    CertSpec old_one = ours();
    old_one.not_before = "20260801000000";
    old_one.not_after = "20261101000000";
    old_one.serial = "1";
    CertSpec renewed = ours();
    renewed.not_before = "20261020000000";
    renewed.not_after = "20270120000000";
    renewed.serial = "2";
    CertSpec middle = ours();
    middle.not_before = "20260901000000";
    middle.not_after = "20271201000000";  // expires last, but was issued earlier
    middle.serial = "3";
    CertSpec foreign = ours();
    foreign.issuer = "CN=Other CA";
    foreign.not_before = "20261130000000";
    const auto m = match(policy, {device_certificate(old_one), device_certificate(foreign), device_certificate(renewed),
                                  device_certificate(middle)});
    ASSERT_TRUE(m.index);
    EXPECT_EQ(*m.index, 2u);
    EXPECT_EQ(m.matched, 3u);
    EXPECT_EQ(m.foreign, 1u);
    // Same issue time: the later expiry wins.
    CertSpec twin = renewed;
    twin.not_after = "20270220000000";
    twin.serial = "4";
    const auto t = match(policy, {device_certificate(renewed), device_certificate(twin)});
    ASSERT_TRUE(t.index);
    EXPECT_EQ(*t.index, 1u);
}

TEST(Matching, StepCaComparesTheCommonNameOnly) {
    std::string json = test::policy_json("", R"([[["CN", "{{serial_number}}"]]])", "");
    json.replace(json.find(R"("payload")"), 9, R"("server_profile": "step-ca", "payload")");
    const Policy policy = policy_from(json);
    ASSERT_EQ(policy.server_profile, ServerProfile::step_ca);
    CertSpec step;
    step.subject = "CN=C02XK1ABJG5H";
    step.sans = {{test::kUri, "urn:step:permanent-identifier"}};
    EXPECT_TRUE(match(policy, {device_certificate(step)}).index);
    step.subject = "CN=OTHER";
    EXPECT_FALSE(match(policy, {device_certificate(step)}).index);
}

TEST(Matching, IssuerChainOfTheAcmeServer) {
    const Policy policy = policy_from(test::policy_json());
    CertSpec via_intermediate = ours();
    via_intermediate.issuer = "CN=Example Intermediate CA";
    EXPECT_FALSE(match(policy, {device_certificate(via_intermediate)}).index);
    CertificateRead intermediate = read_pem_certificate(test::ca_pem("CN=Example Intermediate CA"));
    ASSERT_TRUE(intermediate.certificate);
    EXPECT_TRUE(match(policy, {device_certificate(via_intermediate)}, {*intermediate.certificate}).index);
}

TEST(Matching, DeviceWithoutTheVariablesMatchesNothingAndSaysWhy) {
    const Policy policy = policy_from(test::policy_json());
    CertificateMatcher matcher(policy, {});
    DeviceRecord bare;
    bare.id = "d-0099";
    const auto m = matcher.match(bare, {device_certificate(ours())});
    EXPECT_FALSE(m.index);
    EXPECT_TRUE(m.report.has_code("render.variable_missing"));
}

}  // namespace
}  // namespace acmepolicy
