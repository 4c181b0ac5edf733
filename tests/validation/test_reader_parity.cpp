// check_policy(text) reads plainly valid JSON with validation's own reader and leaves everything else to
// read_json. Whichever reader takes a text, the answer must be what read_json and check_policy of the
// parsed value give: read_json's findings when it reads no value, the parsed value's answer otherwise.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

std::vector<Diagnostic> expected_for(const std::string& text) {
    JsonReadResult read = read_json(text);
    if (!read.value) return read.report.diagnostics();
    Report combined = read.report;
    combined.append(check_policy(*read.value).report);
    return combined.diagnostics();
}

void expect_same_answer(const std::string& text) {
    const PolicyCheck check = check_policy(std::string_view(text));
    const JsonReadResult read = read_json(text);
    if (!read.value) {
        EXPECT_EQ(check.report.diagnostics(), read.report.diagnostics()) << text;
        return;
    }
    if (!read.report.empty()) return;  // reader findings are checked by the document tests
    const PolicyCheck parsed = check_policy(*read.value);
    EXPECT_EQ(check.report.diagnostics(), parsed.report.diagnostics()) << text;
    EXPECT_EQ(check.policy.has_value(), parsed.policy.has_value()) << text;
    EXPECT_EQ(check.report.diagnostics(), expected_for(text)) << text;
}

std::string good_with(const std::string& payload_extra, const std::string& top_extra = "") {
    std::string text = testing::good_policy().dump(2);
    if (!payload_extra.empty()) text.replace(text.find("\"payload\": {") + 12, 0, payload_extra + ",");
    if (!top_extra.empty()) text.replace(1, 0, top_extra + ",");
    return text;
}

TEST(ReaderParity, CleanAndPrettyPrintedPoliciesGiveTheSameAnswer) {
    expect_same_answer(testing::good_policy().dump());
    expect_same_answer(testing::good_policy().dump(2));
    expect_same_answer(testing::good_policy().dump(4, '\t'));
}

TEST(ReaderParity, SeveralFindingsKeepTheirOrderWhateverTheKeyOrderOfTheText) {
    // Keys out of order in the text and several findings in one object: the order is the contract.
    expect_same_answer(good_with(R"("Zeta": "{{x}}", "Alpha": 1, "KeyUsage": 4, "M/~": "{{serial_number}}")",
                                 R"("zz": 1, "aa": "{{udid}}", "renewl": {})"));
    expect_same_answer(good_with(R"("SubjectAltName": {"uri": "x", "dns": "{{bad}}", "email": 3})"));
}

TEST(ReaderParity, FindingsOfDifferentFieldsNeedNoSecondWalk) {
    // Each finding is of its own field, met in the reverse of the format's order (members inserted first):
    // the field order alone decides the answer, which check_policy then gives without a second walk.
    for (const std::string& text : {good_with(R"("AllowAllAppsAccess": "yes")", R"("renewal": {"before_days": 0})"),
                                    good_with(R"("KeyIsExtractable": 3)", R"("fallback": {"policy": 5})")}) {
        expect_same_answer(text);
        const auto diagnostics = check_policy(std::string_view(text)).report.diagnostics();
        ASSERT_GE(diagnostics.size(), 2u) << text;
        EXPECT_NE(diagnostics.front().path, diagnostics.back().path) << text;
    }
}

TEST(ReaderParity, EscapesNumbersAndTextThatTheOwnReaderLeavesToReadJson) {
    expect_same_answer(good_with(R"("X": "a\u0041\ud83d\ude00")"));
    expect_same_answer(good_with(R"("X": "tab\tnew\nline \"q\" \\ \/")", R"("notes": "a\nb\u0007")"));
    expect_same_answer(good_with(R"("KeySizeX": 12345678901234567890, "Y": -0, "Z": 1e2, "W": 0.5, "V": -9223372036854775808)"));
    expect_same_answer(good_with(R"("X": "\u00e9t\u00e9 caf\u00e9", "Y": "été")"));
    expect_same_answer("\xEF\xBB\xBF" + testing::good_policy().dump());
    expect_same_answer(good_with(R"("X": "bad \xC3 utf-8")"));
    expect_same_answer(good_with(R"("X": 1e400)"));
    expect_same_answer(R"({"name": "n", "payload": {"KeySize": 256.0, "UsageFlags": -1}, "schema_version": 1.0})");
}

TEST(ReaderParity, SyntaxErrorsLimitsAndDuplicatesGiveReadJsonsFindings) {
    for (const char* text : {"", " ", "{", "[1,", "{\"a\":}", "tru", "{} x", "{\"a\":1,}", "01", "-", "\"\x01\"",
                             "{\"name\": \"a\", \"name\": \"b\"}", "[1] [2]", "{\"a\" 1}", "nul"})
        expect_same_answer(text);
    expect_same_answer(std::string(40, '[') + std::string(40, ']'));
    expect_same_answer(good_with("\"X\": \"" + std::string(5000, 'a') + "\""));
    expect_same_answer(good_with("\"" + std::string(5000, 'k') + "\": 1"));
}

TEST(ReaderParity, LargeObjectsAreSortedAndCheckedForDuplicates) {
    std::string members;
    for (int i = 40; i-- > 0;) members += (members.empty() ? "" : ",") + ("\"k" + std::to_string(i * 7 % 41) + "\": \"{{v}}\"");
    expect_same_answer(good_with(members));
    expect_same_answer(good_with(members + ", \"k7\": 2"));  // a duplicate among many
}

TEST(ReaderParity, ValuesOfEveryTypeWhereTheFormatWantsAnother) {
    for (const char* value : {"null", "true", "false", "0", "-1", "1.5", "\"\"", "[]", "{}", "[[]]", "[[[\"CN\"]]]"}) {
        for (const char* key : {"KeySize", "Subject", "SubjectAltName", "HardwareBound", "ExtendedKeyUsage",
                                "ClientIdentifier"}) {
            nlohmann::json policy = testing::good_policy();
            policy["payload"][key] = nlohmann::json::parse(value);
            expect_same_answer(policy.dump());
        }
        nlohmann::json policy = testing::good_policy();
        policy["renewal"] = nlohmann::json::parse(value);
        policy["fallback"] = nlohmann::json::parse(value);
        policy["targets"] = nlohmann::json::parse(value);
        expect_same_answer(policy.dump());
    }
}

}  // namespace
}  // namespace acmepolicy
