// Rules 1-3: document shape, limits, identity; and the typed model built from a good document.
#include <string>

#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;
using testing::check_changed;

TEST(ValidationDocument, GoodPolicyHasNoFindingsAndBuildsTheModel) {
    const PolicyCheck check = check_changed([](json&) {});
    EXPECT_TRUE(check.report.empty()) << testing::describe(check.report);
    ASSERT_TRUE(check.policy.has_value());
    const Policy& p = *check.policy;
    EXPECT_EQ(p.id, "corp-acme");
    EXPECT_EQ(p.name, "Corporate ACME");
    EXPECT_EQ(p.server_profile, ServerProfile::generic);
    EXPECT_EQ(p.payload.key_type, "ECSECPrimeRandom");
    EXPECT_EQ(p.payload.key_size, 384);
    EXPECT_TRUE(p.payload.hardware_bound);
    EXPECT_TRUE(p.payload.attest_enabled());
    ASSERT_EQ(p.payload.subject.size(), 2u);
    EXPECT_EQ(p.payload.subject[1][0].type, "CN");
    EXPECT_EQ(p.payload.subject[1][0].value, "{{serial_number}}");
    ASSERT_TRUE(p.payload.subject_alt_name.has_value());
    EXPECT_EQ(p.payload.subject_alt_name->dns_name.value_or(""), "device.example.com");
    EXPECT_FALSE(p.payload.subject_alt_name->nt_principal_name->empty());
    EXPECT_EQ(p.payload.usage_flags.value_or(-1), 1);
    EXPECT_EQ(p.targets.device_groups, std::vector<std::string>{"g-sales"});
    EXPECT_FALSE(p.payload.key_is_extractable.has_value());
}

TEST(ValidationDocument, IdIsDerivedFromTheNameWhenAbsent) {
    const PolicyCheck check = check_changed([](json& d) {
        d.erase("id");
        d["name"] = "  Sales / iPads 2026  ";
    });
    ASSERT_TRUE(check.policy.has_value()) << testing::describe(check.report);
    EXPECT_EQ(check.policy->id, "sales-ipads-2026");
    EXPECT_EQ(check.policy->name, "Sales / iPads 2026");  // trimmed
}

TEST(ValidationDocument, NotAnObject) {
    for (const char* text : {"[]", "42", "\"policy\"", "null"}) {
        const PolicyCheck check = check_policy(std::string_view(text));
        EXPECT_FINDING(check, error, "document.not_object", "");
        EXPECT_FALSE(check.policy.has_value());
    }
}

TEST(ValidationDocument, InvalidJsonGivesLineAndColumn) {
    const PolicyCheck check = check_policy(std::string_view("{\n  \"name\": tru\n}"));
    ASSERT_EQ(check.report.diagnostics().size(), 1u);
    EXPECT_EQ(check.report.diagnostics()[0].code, "json.syntax");
    EXPECT_NE(check.report.diagnostics()[0].message.find("line 2"), std::string::npos);
    EXPECT_FALSE(check.policy.has_value());
}

TEST(ValidationDocument, SchemaVersion) {
    EXPECT_NO_CODE(check_changed([](json& d) { d.erase("schema_version"); }), "document.schema_version");
    for (json bad : {json(2), json("1"), json(1.5), json(nullptr), json(0)}) {
        const PolicyCheck check = check_changed([&](json& d) { d["schema_version"] = bad; });
        EXPECT_FINDING(check, error, "document.schema_version", "/schema_version");
        EXPECT_FALSE(check.report.valid());
    }
}

TEST(ValidationDocument, DuplicateKeysAnywhereAreErrors) {
    std::string text = testing::good_policy().dump();
    text.insert(text.find("\"KeySize\""), "\"KeySize\": 256, ");
    const PolicyCheck check = check_policy(std::string_view(text));
    EXPECT_FINDING(check, error, "json.duplicate_key", "/payload/KeySize");
    // The parsed object overload leaves duplicate detection to the caller.
    EXPECT_TRUE(check_policy(testing::good_policy()).report.empty());
}

TEST(ValidationDocument, UnknownKeysAtEveryLevelSuggestTheRightKey) {
    const PolicyCheck check = check_changed([](json& d) {
        d["payload"]["KeyUsage"] = 1;
        d["payload"]["keysize"] = 256;
        d["payload"]["Subjects"] = json::array();
        d["payload"]["SubjectAltName"]["dnsName"] = "x.example.com";
        d["targets"]["groups"] = json::array();
        d["serverProfile"] = "generic";
        d["colour"] = "blue";
    });
    EXPECT_FINDING(check, error, "document.unknown_key", "/payload/KeyUsage");
    EXPECT_NE(testing::message_of(check.report, "document.unknown_key", "/payload/KeyUsage").find("\"UsageFlags\""),
              std::string::npos);
    EXPECT_NE(testing::message_of(check.report, "document.unknown_key", "/payload/keysize").find("\"KeySize\""),
              std::string::npos);
    EXPECT_NE(testing::message_of(check.report, "document.unknown_key", "/payload/Subjects").find("\"Subject\""),
              std::string::npos);
    EXPECT_NE(testing::message_of(check.report, "document.unknown_key", "/payload/SubjectAltName/dnsName").find("\"dNSName\""),
              std::string::npos);
    EXPECT_FINDING(check, error, "document.unknown_key", "/targets/groups");
    EXPECT_FINDING(check, error, "document.unknown_key", "/serverProfile");
    const Diagnostic* colour = testing::find(check.report, "document.unknown_key", "/colour");
    ASSERT_NE(colour, nullptr);
    EXPECT_EQ(colour->message.find("Did you mean"), std::string::npos);
}

TEST(ValidationDocument, MissingRequiredKeys) {
    for (const char* key : {"DirectoryURL", "ClientIdentifier", "KeyType", "KeySize", "HardwareBound", "Subject"}) {
        const PolicyCheck check = check_changed([&](json& d) { d["payload"].erase(key); });
        EXPECT_FINDING(check, error, "document.missing_key", std::string("/payload/") + key);
        EXPECT_FALSE(check.policy.has_value()) << key;
    }
    EXPECT_FINDING(check_changed([](json& d) { d.erase("name"); }), error, "document.missing_key", "/name");
    EXPECT_FINDING(check_changed([](json& d) { d.erase("payload"); }), error, "document.missing_key", "/payload");
    // Optional keys may be absent.
    const PolicyCheck optional = check_changed([](json& d) {
        for (const char* key : {"Attest", "SubjectAltName", "UsageFlags", "ExtendedKeyUsage"}) d["payload"].erase(key);
        d.erase("notes");
        d.erase("schema_version");
    });
    EXPECT_TRUE(optional.report.valid()) << testing::describe(optional.report);
    EXPECT_TRUE(optional.policy.has_value());
}

TEST(ValidationDocument, WrongTypesAreReportedAndOtherRulesStillRun) {
    const PolicyCheck check = check_changed([](json& d) {
        d["payload"]["DirectoryURL"] = 42;
        d["payload"]["HardwareBound"] = "true";
        d["payload"]["Attest"] = 1;
        d["payload"]["KeyType"] = "ecdsa";
        d["notes"] = json::array();
    });
    EXPECT_FINDING(check, error, "document.wrong_type", "/payload/DirectoryURL");
    EXPECT_FINDING(check, error, "document.wrong_type", "/payload/HardwareBound");
    EXPECT_FINDING(check, error, "document.wrong_type", "/payload/Attest");
    EXPECT_FINDING(check, error, "document.wrong_type", "/notes");
    EXPECT_FINDING(check, error, "keytype.invalid", "/payload/KeyType");  // not hidden by the type errors
    EXPECT_FALSE(check.policy.has_value());
}

TEST(ValidationLimits, DocumentSizeDepthAndStringLength) {
    std::string big = testing::good_policy().dump();
    big.insert(big.size() - 1, ", \"x\": \"" + std::string(1024 * 1024, 'a') + "\"");
    EXPECT_FINDING(check_policy(std::string_view(big)), error, "json.too_large", "");

    std::string deep = "{\"name\": ";
    for (int i = 0; i < 40; ++i) deep += "[";
    for (int i = 0; i < 40; ++i) deep += "]";
    deep += "}";
    const PolicyCheck deep_check = check_policy(std::string_view(deep));
    EXPECT_TRUE(deep_check.report.has_code("json.too_deep")) << testing::describe(deep_check.report);

    const PolicyCheck long_string = check_changed([](json& d) { d["notes"] = std::string(5000, 'n'); });
    EXPECT_FINDING(long_string, error, "json.string_too_long", "/notes");

    // The same limits hold for a document handed over already parsed.
    json parsed = testing::good_policy();
    parsed["payload"]["ClientIdentifier"] = std::string(4097, 'c');
    EXPECT_FINDING(check_policy(parsed), error, "json.string_too_long", "/payload/ClientIdentifier");
    json nested = json::array();
    for (int i = 0; i < 40; ++i) nested = json::array({nested});
    parsed = testing::good_policy();
    parsed["extra"] = nested;
    EXPECT_TRUE(check_policy(parsed).report.has_code("json.too_deep"));
}

TEST(ValidationLimits, CountsOfSubjectEkuAndCertificates) {
    const PolicyCheck many_rdns = check_changed([](json& d) {
        for (int i = 0; i < 64; ++i) d["payload"]["Subject"].push_back(json::array({json::array({"OU", "u"})}));
    });
    EXPECT_FINDING(many_rdns, error, "subject.too_many_rdns", "/payload/Subject");
    const PolicyCheck at_limit = check_changed([](json& d) {
        for (int i = 0; i < 62; ++i) d["payload"]["Subject"].push_back(json::array({json::array({"OU", "u"})}));
    });
    EXPECT_NO_CODE(at_limit, "subject.too_many_rdns");

    const PolicyCheck many_ekus = check_changed([](json& d) {
        json list = json::array();
        for (int i = 1; i <= 33; ++i) list.push_back("1.3.6.1.4.1.99999." + std::to_string(i));
        d["payload"]["ExtendedKeyUsage"] = list;
    });
    EXPECT_FINDING(many_ekus, error, "extendedkeyusage.too_many", "/payload/ExtendedKeyUsage");

    const PolicyCheck many_cas = check_changed([](json& d) { d["ca_certificates"] = json::array(); for (int i = 0; i < 11; ++i) d["ca_certificates"].push_back("x"); });
    EXPECT_FINDING(many_cas, error, "cacertificates.too_many", "/ca_certificates");
}

TEST(ValidationLimits, TextMustBeCarriedByXml) {
    const PolicyCheck nul = check_changed([](json& d) { d["name"] = std::string("Corp\0ACME", 9); });
    EXPECT_FINDING(nul, error, "text.invalid_character", "/name");
    const PolicyCheck bell = check_changed([](json& d) { d["payload"]["Subject"][0][0][1] = "Example\x07"; });
    EXPECT_FINDING(bell, error, "text.invalid_character", "/payload/Subject/0/0/1");
    const PolicyCheck newline_in_name = check_changed([](json& d) { d["name"] = "two\nlines"; });
    EXPECT_FINDING(newline_in_name, error, "text.invalid_character", "/name");
    const PolicyCheck notes = check_changed([](json& d) { d["notes"] = "line one\n\tline two\r\n"; });
    EXPECT_NO_CODE(notes, "text.invalid_character");
    const PolicyCheck notes_nul = check_changed([](json& d) { d["notes"] = std::string("a\0b", 3); });
    EXPECT_FINDING(notes_nul, error, "text.invalid_character", "/notes");
    const PolicyCheck unicode = check_changed([](json& d) { d["name"] = "Größe ✓ 証明書"; });
    EXPECT_TRUE(unicode.report.empty()) << testing::describe(unicode.report);
    const PolicyCheck nonchar = check_changed([](json& d) { d["name"] = "bad \xEF\xBF\xBF"; });
    EXPECT_FINDING(nonchar, error, "text.invalid_character", "/name");

    // Invalid UTF-8 cannot pass the JSON reader; a parsed document may still carry it.
    EXPECT_TRUE(check_policy(std::string_view("{\"name\": \"\xC3\x28\"}")).report.has_code("json.syntax"));
    json parsed = testing::good_policy();
    parsed["name"] = std::string("bad \xC3\x28");
    EXPECT_FINDING(check_policy(parsed), error, "text.invalid_utf8", "/name");
}

TEST(ValidationIdentity, NameAndNotes) {
    EXPECT_FINDING(check_changed([](json& d) { d["name"] = "   "; }), error, "name.empty", "/name");
    EXPECT_FINDING(check_changed([](json& d) { d["name"] = std::string(129, 'n'); }), error, "name.too_long", "/name");
    // 128 characters of 2-byte UTF-8 are 128 characters, not 256.
    std::string umlauts;
    for (int i = 0; i < 128; ++i) umlauts += "\xC3\xA4";
    EXPECT_TRUE(check_changed([&](json& d) { d["name"] = umlauts; }).report.empty());
    EXPECT_TRUE(check_changed([](json& d) { d["notes"] = std::string(4000, 'n'); }).report.empty());
    // 4,001 characters fit the 4 KiB string limit only as single bytes.
    EXPECT_FINDING(check_changed([](json& d) { d["notes"] = std::string(4001, 'n'); }), error, "notes.too_long", "/notes");
}

TEST(ValidationIdentity, IdAndServerProfile) {
    EXPECT_FINDING(check_changed([](json& d) { d["id"] = "Corp ACME"; }), error, "id.invalid", "/id");
    EXPECT_FINDING(check_changed([](json& d) { d["id"] = "-corp"; }), error, "id.invalid", "/id");
    EXPECT_FINDING(check_changed([](json& d) { d["id"] = std::string(65, 'a'); }), error, "id.invalid", "/id");
    EXPECT_TRUE(check_changed([](json& d) { d["id"] = "corp.acme_v2-1"; }).report.empty());
    const PolicyCheck profile = check_changed([](json& d) { d["server_profile"] = "stepca"; });
    EXPECT_FINDING(profile, error, "serverprofile.unknown", "/server_profile");
    EXPECT_NE(testing::message_of(profile.report, "serverprofile.unknown", "/server_profile").find("\"step-ca\""),
              std::string::npos);
}

TEST(ValidationSet, NamesUniqueIgnoringCaseAndIdsUnique) {
    std::vector<PolicyCheck> set;
    set.push_back(check_changed([](json&) {}));
    set.push_back(check_changed([](json& d) { d["name"] = "corporate acme"; d["id"] = "other"; }));
    set.push_back(check_changed([](json& d) { d["name"] = "Another"; }));  // same id as the first
    set.push_back(check_changed([](json& d) { d["name"] = "Third"; d["id"] = "third"; }));
    const Report report = check_policy_set(set);
    ASSERT_EQ(report.diagnostics().size(), 2u) << testing::describe(report);
    EXPECT_EQ(report.diagnostics()[0].code, "set.duplicate_name");
    EXPECT_EQ(report.diagnostics()[0].path, "/1/name");
    EXPECT_EQ(report.diagnostics()[1].code, "set.duplicate_id");
    EXPECT_EQ(report.diagnostics()[1].path, "/2/id");
    set.pop_back();
    set.erase(set.begin());
    EXPECT_TRUE(check_policy_set(set).empty());
}

TEST(ValidationOrder, DiagnosticsFollowTheFieldOrderAndAreDeterministic) {
    const auto change = [](json& d) {
        d["targets"]["devices"].push_back("d-0042");
        d["payload"]["UsageFlags"] = 0;
        d["payload"]["KeySize"] = 192;
        d["payload"]["HardwareBound"] = false;
        d["payload"]["Attest"] = false;
        d["zzz"] = 1;
        d["name"] = "";
    };
    const PolicyCheck first = check_changed(change);
    const PolicyCheck second = check_changed(change);
    EXPECT_EQ(first.report.diagnostics(), second.report.diagnostics());
    std::vector<std::string> codes;
    for (const auto& d : first.report.diagnostics()) codes.push_back(d.code);
    const std::vector<std::string> expected = {"name.empty", "keysize.ec_weak", "usageflags.zero", "targets.duplicate",
                                               "document.unknown_key"};
    EXPECT_EQ(codes, expected) << testing::describe(first.report);
}

}  // namespace
}  // namespace acmepolicy

namespace acmepolicy {
namespace {

// Bad input never throws and never yields a "valid" report: every proper prefix of a good document is
// invalid JSON, and every single-byte corruption is handled (reported or harmless), never a crash.
TEST(ValidationRobustness, TruncatedAndCorruptedDocuments) {
    const std::string text = testing::good_policy().dump();
    for (std::size_t length = 0; length < text.size(); ++length) {
        const PolicyCheck check = check_policy(std::string_view(text).substr(0, length));
        EXPECT_FALSE(check.report.valid()) << length;
        EXPECT_FALSE(check.policy.has_value()) << length;
    }
    for (std::size_t i = 0; i < text.size(); i += 3) {
        for (char replacement : {'\0', '"', '{', ']', '\x7f', '\xff'}) {
            std::string corrupted = text;
            corrupted[i] = replacement;
            const PolicyCheck check = check_policy(std::string_view(corrupted));
            if (check.report.valid()) {
                EXPECT_TRUE(check.policy.has_value()) << i;
            }
        }
    }
}

}  // namespace
}  // namespace acmepolicy
