// The table-driven corpus: each tests/validation/corpus/NAME.json is validated and its diagnostics must equal
// NAME.expected exactly and in order, one "SEVERITY CODE PATH" line each (PATH empty for the document).
#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "acmepolicy/validate.hpp"
#include "validation/codes.hpp"

namespace acmepolicy {
namespace {

const std::string kCorpus = std::string(ACMEPOLICY_SOURCE_DIR) + "/tests/validation/corpus/";

std::vector<std::string> corpus_names() {
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(kCorpus.c_str())) {
        while (dirent* entry = ::readdir(dir)) {
            const std::string file = entry->d_name;
            if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0)
                names.push_back(file.substr(0, file.size() - 5));
        }
        ::closedir(dir);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string slurp(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream buffer;
    buffer << file.rdbuf();
    return buffer.str();
}

std::vector<std::string> expected_lines(const std::string& name) {
    std::ifstream file(kCorpus + name + ".expected");
    EXPECT_TRUE(file.good()) << name << ".expected is missing";
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(file, line))
        if (!line.empty()) lines.push_back(line);
    return lines;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, DiagnosticsMatchExpected) {
    const std::string& name = GetParam();
    const PolicyCheck check = check_policy(std::string_view(slurp(kCorpus + name + ".json")));
    std::vector<std::string> actual;
    for (const auto& d : check.report.diagnostics())
        actual.push_back(std::string(to_string(d.severity)) + " " + d.code + " " + d.path);
    std::vector<std::string> expected = expected_lines(name);
    for (auto& line : expected)
        if (std::count(line.begin(), line.end(), ' ') == 1) line += " ";  // a document-level finding
    EXPECT_EQ(actual, expected) << name;
    // A report without errors always comes with the typed policy.
    if (check.report.valid()) {
        EXPECT_TRUE(check.policy.has_value()) << name;
    }
    // Expectations may only name codes that exist.
    std::set<std::string> codes;
    for (std::size_t i = 0; i < validation::code_count(); ++i) codes.insert(validation::code_table()[i].name);
    for (const auto& line : expected) {
        const auto first = line.find(' ');
        const auto second = line.find(' ', first + 1);
        EXPECT_EQ(codes.count(line.substr(first + 1, second - first - 1)), 1u) << line;
    }
}

INSTANTIATE_TEST_SUITE_P(Validation, Corpus, ::testing::ValuesIn(corpus_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string id = param.param;
                             std::replace(id.begin(), id.end(), '-', '_');
                             return id;
                         });

TEST(CorpusFiles, EveryDocumentHasExpectations) {
    const auto names = corpus_names();
    EXPECT_GE(names.size(), 10u);
    for (const auto& name : names) {
        std::ifstream file(kCorpus + name + ".expected");
        EXPECT_TRUE(file.good()) << name;
    }
}

}  // namespace
}  // namespace acmepolicy
