// The validation answer is written without a DOM (api/report_answer.cpp) and its options are read without
// one when they are plain: both must give exactly what nlohmann's writer and the full options reader give.
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"
#include "api/report_answer.hpp"
#include "validation_test_support.hpp"

namespace acmepolicy {
namespace {

std::string written_by_nlohmann(const Report& report) {
    return to_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Every .json of the validation corpus and of examples/policies.
std::vector<std::string> corpus_texts() {
    std::vector<std::string> texts;
    for (const char* where : {"/tests/validation/corpus/", "/examples/policies/"}) {
        const std::string folder = std::string(ACMEPOLICY_SOURCE_DIR) + where;
        if (DIR* dir = ::opendir(folder.c_str())) {
            while (dirent* entry = ::readdir(dir)) {
                const std::string file = entry->d_name;
                if (file.size() <= 5 || file.compare(file.size() - 5, 5, ".json") != 0) continue;
                std::ifstream in(folder + file, std::ios::binary);
                std::stringstream buffer;
                buffer << in.rdbuf();
                texts.push_back(buffer.str());
            }
            ::closedir(dir);
        }
    }
    return texts;
}

TEST(ReportAnswer, EveryCorpusAnswerIsWhatNlohmannWrites) {
    const std::vector<std::string> texts = corpus_texts();
    ASSERT_GT(texts.size(), 20u);
    std::size_t with_findings = 0;
    for (const std::string& text : texts) {
        const Report report = check_policy(std::string_view(text)).report;
        with_findings += report.diagnostics().empty() ? 0 : 1;
        EXPECT_EQ(detail::report_answer(report), written_by_nlohmann(report)) << text;
    }
    EXPECT_GT(with_findings, 10u);
}

TEST(ReportAnswer, EscapesAndUtf8AreWrittenAsNlohmannWritesThem) {
    std::string every_ascii_byte;
    for (int c = 0; c < 0x80; ++c) every_ascii_byte.push_back(static_cast<char>(c));
    const std::vector<std::string> texts = {
        "", every_ascii_byte, "quote \" backslash \\ slash /", "caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x98\x80",
        // Not UTF-8: a lone continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short.
        "\x80", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ab\xE2\x82", "\xFF", "\xF0\x9F\x98",
    };
    for (const std::string& text : texts) {
        for (int field = 0; field < 3; ++field) {
            Report report;
            report.warning(field == 0 ? text : "code", field == 1 ? text : "/path", field == 2 ? text : "message");
            report.error("second", "", "x");
            EXPECT_EQ(detail::report_answer(report), written_by_nlohmann(report)) << field << ": " << text;
        }
    }
    EXPECT_EQ(detail::report_answer(Report{}), R"({"diagnostics":[],"valid":true})");
}

// What the full options reader makes of `options`: the answer api_validate must give.
ApiResult validated_with_full_options_reader(const std::string& policy, const std::string& options) {
    ApiResult error;
    ValidationOptions validation;
    const auto parsed = detail::read_options(options, error);
    if (!parsed || !detail::read_now(*parsed, validation.now, error)) return error;
    const Report report = check_policy(std::string_view(policy), validation).report;
    ApiResult result;
    result.status = report.valid() ? ApiStatus::ok : ApiStatus::invalid_input;
    result.json = written_by_nlohmann(report);
    return result;
}

TEST(ReportAnswer, PlainOptionsMeanWhatTheFullReaderSaysTheyMean) {
    // A CA certificate valid from 2026-11-28 makes `now` matter to the answer.
    std::ifstream in(std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/policies/step-ca.json", std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string policy = buffer.str();
    const std::vector<std::string> options = {
        "", "{}", R"({"now":"2020-01-01T00:00:00Z"})", " {\n} ", R"({"now":"2026-11-28T12:00:00Z"})", R"( { "now" : "2040-01-01T00:00:00Z" } )",
        R"({"now":null})", R"({"now":""})", R"({"now":"yesterday"})", R"({"now":"2026-11-28T12:00:00\u005a"})",
        R"({"now":"2026-11-28T12:00:00Z","x":1})", R"({"now":"2026-11-28T12:00:00Z","now":"2040-01-01T00:00:00Z"})",
        R"({"now":"2026-11-28T12:00:00Z")", R"({"now":"2026-11-28T12:00:00Z"} x)", "[]", "{", R"({"now":1})",
        R"({"Now":"2026-11-28T12:00:00Z"})",
    };
    std::set<std::string> answers;
    for (const std::string& text : options) {
        const ApiResult fast = api_validate(policy, text);
        const ApiResult full = validated_with_full_options_reader(policy, text);
        EXPECT_EQ(fast.status, full.status) << text;
        EXPECT_EQ(fast.json, full.json) << text;
        answers.insert(fast.json);
    }
    EXPECT_GE(answers.size(), 3u);  // valid, not yet valid in 2020, and the options errors
}

}  // namespace
}  // namespace acmepolicy
