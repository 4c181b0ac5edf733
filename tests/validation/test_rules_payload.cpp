// Rules 4-14 and 16: the payload keys, variables, the step-ca profile and targets; failing and passing cases.
#include <string>

#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;
using testing::check_changed;

PolicyCheck with_payload(const char* key, json value) {
    return check_changed([&](json& d) { d["payload"][key] = value; });
}

TEST(ValidationDirectoryUrl, GoodUrls) {
    for (const char* url : {"https://acme.example.com/directory", "https://acme.example.com:8443/acme/dir?x=1",
                            "https://10.0.0.5/directory", "https://[2001:db8::1]:443/directory", "HTTPS://ca.example/d",
                            "https://acme.example.com./directory"}) {
        const PolicyCheck check = with_payload("DirectoryURL", url);
        EXPECT_TRUE(check.report.empty()) << url << "\n" << testing::describe(check.report);
    }
}

TEST(ValidationDirectoryUrl, EachProblemHasItsCode) {
    const std::string path = "/payload/DirectoryURL";
    EXPECT_FINDING(with_payload("DirectoryURL", "http://acme.example.com/directory"), error, "directoryurl.scheme", path);
    EXPECT_NE(testing::message_of(with_payload("DirectoryURL", "ftp://a.example/").report, "directoryurl.scheme", path).find("Apple requires the https scheme"),
              std::string::npos);
    EXPECT_FINDING(with_payload("DirectoryURL", "acme.example.com/directory"), error, "directoryurl.invalid", path);
    EXPECT_FINDING(with_payload("DirectoryURL", "https://acme example.com/"), error, "directoryurl.invalid", path);
    EXPECT_FINDING(with_payload("DirectoryURL", "https:acme.example.com"), error, "directoryurl.invalid", path);
    EXPECT_FINDING(with_payload("DirectoryURL", "https://user:pw@acme.example.com/d"), error, "directoryurl.userinfo", path);
    EXPECT_FINDING(with_payload("DirectoryURL", "https://acme.example.com/d#top"), error, "directoryurl.fragment", path);
    for (const char* port : {"0", "65536", "", "https"})
        EXPECT_FINDING(with_payload("DirectoryURL", std::string("https://acme.example.com:") + port + "/d"), error,
                       "directoryurl.port", path);
    for (const char* host : {"", "acme_ca.example.com", "-acme.example.com", "acme..example.com", "[::1", "[12345::]",
                             "bücher.example"})
        EXPECT_FINDING(with_payload("DirectoryURL", std::string("https://") + host + "/d"), error, "directoryurl.host", path);
    EXPECT_FINDING(with_payload("DirectoryURL", "https://acme.example.com/" + std::string(2048, 'a')), error,
                   "directoryurl.too_long", path);
}

TEST(ValidationClientIdentifier, EmptyAndConstant) {
    EXPECT_FINDING(with_payload("ClientIdentifier", ""), error, "clientidentifier.empty", "/payload/ClientIdentifier");
    const PolicyCheck constant = with_payload("ClientIdentifier", "corp-secret");
    EXPECT_FINDING(constant, warning, "clientidentifier.constant", "/payload/ClientIdentifier");
    EXPECT_TRUE(constant.report.valid());
    EXPECT_TRUE(with_payload("ClientIdentifier", "corp-{{udid}}").report.empty());
    EXPECT_TRUE(with_payload("ClientIdentifier", "{{client_token}}").report.empty());
}

TEST(ValidationKeys, KeyTypeSpelling) {
    for (const char* wrong : {"rsa", "ecsecprimerandom", "EC", "ECDSA", "P-256"}) {
        const PolicyCheck check = with_payload("KeyType", wrong);
        EXPECT_FINDING(check, error, "keytype.invalid", "/payload/KeyType");
        const Diagnostic* d = testing::find(check.report, "keytype.invalid", "/payload/KeyType");
        ASSERT_NE(d, nullptr);
        const std::string expected = std::string(wrong) == "rsa" ? "Did you mean \"RSA\"" : "Did you mean \"ECSECPrimeRandom\"";
        EXPECT_NE(d->message.find(expected), std::string::npos) << d->message;
    }
}

TEST(ValidationKeys, KeySizeMustBeAnInteger) {
    EXPECT_FINDING(with_payload("KeySize", "384"), error, "keysize.not_integer", "/payload/KeySize");
    EXPECT_FINDING(with_payload("KeySize", 384.0), error, "keysize.not_integer", "/payload/KeySize");
    EXPECT_FINDING(with_payload("KeySize", 384.5), error, "keysize.not_integer", "/payload/KeySize");
    EXPECT_FALSE(with_payload("KeySize", "384").policy.has_value());
}

TEST(ValidationKeys, RsaSizes) {
    const auto rsa = [](json size) {
        return check_changed([&](json& d) {
            d["payload"]["KeyType"] = "RSA";
            d["payload"]["KeySize"] = size;
            d["payload"]["HardwareBound"] = false;
            d["payload"]["Attest"] = false;
        });
    };
    for (int good : {2048, 3072, 4096, 2056}) EXPECT_TRUE(rsa(good).report.empty()) << good;
    for (int bad : {512, 1016, 2049, 4104, 8192, -2048})
        EXPECT_FINDING(rsa(bad), error, "keysize.rsa_range", "/payload/KeySize");
    EXPECT_FINDING(rsa(1024), warning, "keysize.rsa_weak", "/payload/KeySize");
    EXPECT_TRUE(rsa(1024).report.valid());
    EXPECT_FINDING(rsa(json(18446744073709551615ull)), error, "keysize.rsa_range", "/payload/KeySize");
}

TEST(ValidationKeys, EcSizes) {
    const auto ec = [](int size) {
        return check_changed([&](json& d) {
            d["payload"]["KeySize"] = size;
            d["payload"]["HardwareBound"] = false;
            d["payload"]["Attest"] = false;
        });
    };
    for (int good : {256, 384, 521}) EXPECT_TRUE(ec(good).report.empty()) << good;
    EXPECT_FINDING(ec(192), warning, "keysize.ec_weak", "/payload/KeySize");
    const PolicyCheck p512 = ec(512);
    EXPECT_FINDING(p512, error, "keysize.ec_curve", "/payload/KeySize");
    EXPECT_NE(testing::message_of(p512.report, "keysize.ec_curve", "/payload/KeySize").find("did you mean 521?"),
              std::string::npos);
    EXPECT_FINDING(ec(2048), error, "keysize.ec_curve", "/payload/KeySize");
}

TEST(ValidationKeys, HardwareBoundAndAttest) {
    const PolicyCheck rsa_bound = check_changed([](json& d) {
        d["payload"]["KeyType"] = "RSA";
        d["payload"]["KeySize"] = 2048;
    });
    EXPECT_FINDING(rsa_bound, error, "hardwarebound.key_type", "/payload/KeyType");
    for (int size : {192, 521})
        EXPECT_FINDING(with_payload("KeySize", size), error, "hardwarebound.key_size", "/payload/KeySize");
    EXPECT_TRUE(with_payload("KeySize", 256).report.empty());

    const PolicyCheck attest_unbound = with_payload("HardwareBound", false);
    EXPECT_FINDING(attest_unbound, error, "attest.requires_hardware_bound", "/payload/HardwareBound");
    const PolicyCheck no_attest = check_changed([](json& d) {
        d["payload"]["HardwareBound"] = false;
        d["payload"].erase("Attest");
    });
    EXPECT_TRUE(no_attest.report.empty()) << testing::describe(no_attest.report);
}

TEST(ValidationSubject, ShapeErrors) {
    EXPECT_FINDING(with_payload("Subject", "CN=foo"), error, "subject.shape", "/payload/Subject");
    EXPECT_FINDING(with_payload("Subject", json::array()), error, "subject.empty", "/payload/Subject");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([["CN", "x"]])")), error, "subject.shape", "/payload/Subject/0/0");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([[]])")), error, "subject.empty_rdn", "/payload/Subject/0");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([[["CN"]]])")), error, "subject.shape", "/payload/Subject/0/0");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([[["CN", "a", "b"]]])")), error, "subject.shape",
                   "/payload/Subject/0/0");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([[["CN", 5]]])")), error, "subject.shape", "/payload/Subject/0/0");
    EXPECT_FINDING(with_payload("Subject", json::parse(R"([{"CN": "x"}])")), error, "subject.shape", "/payload/Subject/0");
    EXPECT_FALSE(with_payload("Subject", json::parse(R"([[["CN", 5]]])")).policy.has_value());
}

TEST(ValidationSubject, TypesAndValues) {
    const auto subject = [](const char* text) { return with_payload("Subject", json::parse(text)); };
    EXPECT_TRUE(subject(R"([[["C","US"]],[["ST","CA"]],[["L","Cupertino"]],[["O","Ex"]],[["OU","IT"],["CN","x"]],[["2.5.4.5","{{serial_number}}"]]])")
                    .report.empty());
    const PolicyCheck lower = subject(R"([[["cn", "x"]]])");
    EXPECT_FINDING(lower, error, "subject.type_case", "/payload/Subject/0/0/0");
    EXPECT_NE(testing::message_of(lower.report, "subject.type_case", "/payload/Subject/0/0/0").find("\"CN\""),
              std::string::npos);
    const PolicyCheck email = subject(R"([[["emailAddress", "a@example.com"]]])");
    EXPECT_FINDING(email, error, "subject.type_invalid", "/payload/Subject/0/0/0");
    EXPECT_NE(testing::message_of(email.report, "subject.type_invalid", "/payload/Subject/0/0/0").find("1.2.840.113549.1.9.1"),
              std::string::npos);
    for (const char* bad_oid : {"1", "3.1", "1.40", "0.40.1", "1.2.03", "1..2", "1.2.", "Foo"})
        EXPECT_FINDING(with_payload("Subject", json::array({json::array({json::array({bad_oid, "v"})})})), error,
                       "subject.type_invalid", "/payload/Subject/0/0/0");
    for (const char* good_oid : {"2.999.1", "1.39", "0.0", "2.5.4.3"})
        EXPECT_TRUE(with_payload("Subject", json::array({json::array({json::array({good_oid, "v"})})})).report.empty())
            << good_oid;
    EXPECT_FINDING(subject(R"([[["O", ""]]])"), error, "subject.value_empty", "/payload/Subject/0/0/1");
    EXPECT_FINDING(subject(R"([[["C", "USA"]]])"), error, "subject.country", "/payload/Subject/0/0/1");
    EXPECT_FINDING(subject(R"([[["C", "U1"]]])"), error, "subject.country", "/payload/Subject/0/0/1");
    EXPECT_FINDING(with_payload("Subject", json::array({json::array({json::array({"CN", std::string(65, 'c')})})})),
                   warning, "subject.cn_long", "/payload/Subject/0/0/1");
    EXPECT_TRUE(with_payload("Subject", json::array({json::array({json::array({"CN", std::string(64, 'c')})})})).report.empty());
}

TEST(ValidationSubjectAltName, Values) {
    const auto san = [](const char* key, const std::string& value) {
        return check_changed([&](json& d) { d["payload"]["SubjectAltName"] = json{{key, value}}; });
    };
    const std::string base = "/payload/SubjectAltName/";
    for (const char* good : {"a@example.com", "first.last+tag@mail.example.org", "{{serial_number}}@example.com",
                             "{{user_email}}", "\"odd person\"@example.com"})
        EXPECT_TRUE(san("rfc822Name", good).report.empty()) << good;
    for (const char* bad : {"no-at", "a@", "@example.com", "a@@example.com", "a b@example.com", "a@localhost",
                            "{{device_name}}"})
        EXPECT_FINDING(san("rfc822Name", bad), error, "subjectaltname.rfc822name", base + "rfc822Name");
    EXPECT_TRUE(san("dNSName", "{{serial_number}}.devices.example.com").report.empty());
    EXPECT_FINDING(san("dNSName", "*.example.com"), warning, "subjectaltname.dnsname_wildcard", base + "dNSName");
    for (const std::string& bad : {std::string("a..b"), std::string("under_score.example"), std::string(64, 'l') + ".example",
                                   std::string("-lead.example"), std::string("{{user_email}}")})
        EXPECT_FINDING(san("dNSName", bad), error, "subjectaltname.dnsname", base + "dNSName");
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
    EXPECT_FINDING(san("dNSName", long_name + "com"), error, "subjectaltname.dnsname", base + "dNSName");
    for (const char* good : {"urn:example:{{udid}}", "https://example.com/d/{{device_id}}", "mailto:a@example.com"})
        EXPECT_TRUE(san("uniformResourceIdentifier", good).report.empty()) << good;
    for (const char* bad : {"example.com/device", "urn example", "1urn:x", ":x"})
        EXPECT_FINDING(san("uniformResourceIdentifier", bad), error, "subjectaltname.uri", base + "uniformResourceIdentifier");
    EXPECT_TRUE(san("ntPrincipalName", "{{serial_number}}@CORP.EXAMPLE.COM").report.empty());
    for (const char* bad : {"jdoe", "jdoe@", "@EXAMPLE.COM", "a@b@EXAMPLE.COM", "j doe@EXAMPLE.COM"})
        EXPECT_FINDING(san("ntPrincipalName", bad), error, "subjectaltname.ntprincipalname", base + "ntPrincipalName");
    EXPECT_FINDING(check_changed([](json& d) { d["payload"]["SubjectAltName"]["dNSName"] = 5; }), error,
                   "document.wrong_type", base + "dNSName");
}

TEST(ValidationUsage, UsageFlags) {
    for (int good : {1, 4, 5}) EXPECT_TRUE(with_payload("UsageFlags", good).report.empty()) << good;
    for (int bad : {2, 8, 7, 255, -1})
        EXPECT_FINDING(with_payload("UsageFlags", bad), error, "usageflags.undefined_bits", "/payload/UsageFlags");
    EXPECT_FINDING(with_payload("UsageFlags", 0), warning, "usageflags.zero", "/payload/UsageFlags");
    EXPECT_FINDING(with_payload("UsageFlags", "1"), error, "document.wrong_type", "/payload/UsageFlags");
}

TEST(ValidationUsage, ExtendedKeyUsage) {
    const PolicyCheck name = with_payload("ExtendedKeyUsage", json::array({"clientAuth"}));
    EXPECT_FINDING(name, error, "extendedkeyusage.name", "/payload/ExtendedKeyUsage/0");
    EXPECT_NE(testing::message_of(name.report, "extendedkeyusage.name", "/payload/ExtendedKeyUsage/0").find("1.3.6.1.5.5.7.3.2"),
              std::string::npos);
    EXPECT_FINDING(with_payload("ExtendedKeyUsage", json::array({"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.2"})), warning,
                   "extendedkeyusage.duplicate", "/payload/ExtendedKeyUsage/1");
    EXPECT_FINDING(with_payload("ExtendedKeyUsage", json::array({"1.3.6.1.5.5.7.3.2", "1.3.x"})), error,
                   "extendedkeyusage.invalid_oid", "/payload/ExtendedKeyUsage/1");
    EXPECT_FINDING(with_payload("ExtendedKeyUsage", "1.3.6.1.5.5.7.3.2"), error, "document.wrong_type",
                   "/payload/ExtendedKeyUsage");
    EXPECT_TRUE(with_payload("ExtendedKeyUsage", json::array({"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"})).report.empty());
}

TEST(ValidationUsage, MacOsOnlyKeysWarn) {
    for (const char* key : {"KeyIsExtractable", "AllowAllAppsAccess"}) {
        for (bool value : {true, false}) {
            const PolicyCheck check = with_payload(key, value);
            EXPECT_FINDING(check, warning, "payload.macos_only", std::string("/payload/") + key);
            EXPECT_NE(testing::message_of(check.report, "payload.macos_only", std::string("/payload/") + key).find("ignored by iOS/iPadOS; it will be left out of the profile"),
                      std::string::npos);
            EXPECT_TRUE(check.report.valid());
        }
    }
}

TEST(ValidationVariables, UnknownUnbalancedAndMisplaced) {
    const PolicyCheck unknown = with_payload("ClientIdentifier", "{{serial}}");
    EXPECT_FINDING(unknown, error, "variable.unknown", "/payload/ClientIdentifier");
    EXPECT_NE(testing::message_of(unknown.report, "variable.unknown", "/payload/ClientIdentifier").find("serial_number"),
              std::string::npos);
    EXPECT_NO_CODE(unknown, "clientidentifier.constant");
    EXPECT_FINDING(with_payload("ClientIdentifier", "{{udid"), error, "variable.unbalanced", "/payload/ClientIdentifier");
    EXPECT_FINDING(with_payload("ClientIdentifier", "udid}}"), error, "variable.unbalanced", "/payload/ClientIdentifier");
    EXPECT_FINDING(with_payload("ClientIdentifier", "{{}}"), error, "variable.unbalanced", "/payload/ClientIdentifier");
    EXPECT_FINDING(check_changed([](json& d) { d["payload"]["Subject"][1][0][1] = "{{UDID}}"; }), error, "variable.unknown",
                   "/payload/Subject/1/0/1");
    EXPECT_FINDING(check_changed([](json& d) { d["payload"]["SubjectAltName"]["dNSName"] = "{{host}}.example.com"; }),
                   error, "variable.unknown", "/payload/SubjectAltName/dNSName");
    EXPECT_TRUE(with_payload("ClientIdentifier", "{{ serial_number }}").report.empty());

    EXPECT_FINDING(with_payload("DirectoryURL", "https://acme.example.com/{{udid}}"), error, "variable.not_allowed",
                   "/payload/DirectoryURL");
    EXPECT_FINDING(check_changed([](json& d) { d["name"] = "ACME {{device_name}}"; }), error, "variable.not_allowed", "/name");
    EXPECT_FINDING(check_changed([](json& d) { d["payload"]["Subject"][1][0][0] = "{{udid}}"; }), error,
                   "variable.not_allowed", "/payload/Subject/1/0/0");
    EXPECT_FINDING(with_payload("ExtendedKeyUsage", json::array({"{{udid}}"})), error, "variable.not_allowed",
                   "/payload/ExtendedKeyUsage/0");
    EXPECT_FINDING(check_changed([](json& d) { d["targets"]["devices"] = json::array({"{{device_id}}"}); }), error,
                   "variable.not_allowed", "/targets/devices/0");
    EXPECT_TRUE(check_changed([](json& d) { d["notes"] = "CN is {{serial_number}}"; }).report.empty());
}

json step_ca_policy() {
    json d = testing::good_policy();
    d["server_profile"] = "step-ca";
    d["payload"]["Subject"] = json::parse(R"([[["CN", "{{serial_number}}"]]])");
    d["payload"].erase("SubjectAltName");
    d["payload"].erase("UsageFlags");
    d["payload"].erase("ExtendedKeyUsage");
    return d;
}

TEST(ValidationStepCa, WhatStepCaEnforces) {
    const auto step = [](const std::function<void(json&)>& change) {
        json d = step_ca_policy();
        change(d);
        return check_policy(std::string_view(d.dump()));
    };
    const PolicyCheck good = step([](json&) {});
    EXPECT_TRUE(good.report.empty()) << testing::describe(good.report);
    EXPECT_EQ(good.policy->server_profile, ServerProfile::step_ca);
    EXPECT_TRUE(step([](json& d) { d["payload"]["ClientIdentifier"] = "{{udid}}"; d["payload"]["Subject"] = json::parse(R"([[["CN", "{{udid}}"]]])"); }).report.empty());
    for (const char* identifier : {"{{device_id}}", "sn-{{serial_number}}", "fixed"})
        EXPECT_FINDING(step([&](json& d) { d["payload"]["ClientIdentifier"] = identifier; }), error,
                       "stepca.client_identifier", "/payload/ClientIdentifier");
    EXPECT_FINDING(step([](json& d) { d["payload"]["Attest"] = false; }), error, "stepca.attest", "/payload/Attest");
    EXPECT_FINDING(step([](json& d) { d["payload"].erase("Attest"); }), error, "stepca.attest", "/payload/Attest");
    EXPECT_FINDING(step([](json& d) { d["payload"]["HardwareBound"] = false; }), error, "stepca.hardware_bound",
                   "/payload/HardwareBound");
    EXPECT_FINDING(step([](json& d) { d["payload"]["Subject"][0][0][1] = "{{udid}}"; }), error, "stepca.common_name",
                   "/payload/Subject/0/0/1");
    const PolicyCheck ignored = step([](json& d) {
        d["payload"]["Subject"].push_back(json::parse(R"([["O", "Example"]])"));
        d["payload"]["UsageFlags"] = 1;
    });
    EXPECT_FINDING(ignored, info, "stepca.template_ignores", "/server_profile");
    EXPECT_TRUE(ignored.report.valid());
    // The generic profile has none of these rules.
    EXPECT_NO_CODE(check_changed([](json& d) { d["payload"]["ClientIdentifier"] = "{{device_id}}"; }),
                   "stepca.client_identifier");
}

TEST(ValidationTargets, IdsDuplicatesAndNone) {
    EXPECT_FINDING(check_changed([](json& d) { d["targets"]["devices"] = json::array({"d-1", " "}); }), error,
                   "targets.empty_id", "/targets/devices/1");
    EXPECT_FINDING(check_changed([](json& d) { d["targets"]["device_groups"] = json::array({"g", "g"}); }), warning,
                   "targets.duplicate", "/targets/device_groups/1");
    EXPECT_FINDING(check_changed([](json& d) { d.erase("targets"); }), info, "targets.none", "/targets");
    const PolicyCheck empty = check_changed([](json& d) { d["targets"] = json::object(); });
    EXPECT_FINDING(empty, info, "targets.none", "/targets");
    EXPECT_TRUE(empty.report.valid());
    EXPECT_FINDING(check_changed([](json& d) { d["targets"]["devices"] = json::array({1}); }), error,
                   "document.wrong_type", "/targets/devices/0");
    EXPECT_FINDING(check_changed([](json& d) { d["targets"] = json::array(); }), error, "document.wrong_type", "/targets");
}

}  // namespace
}  // namespace acmepolicy
