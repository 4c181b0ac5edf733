// docs/diagnostics.md lists exactly the codes validation can emit (the table in core/src/validation/codes.cpp),
// each with its severity; and every code is stable-looking: dotted, lower-case.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "validation/codes.hpp"

namespace acmepolicy {
namespace {

using validation::code_count;
using validation::code_table;

std::map<std::string, std::string> documented_codes() {
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/docs/diagnostics.md");
    EXPECT_TRUE(file.good()) << "docs/diagnostics.md is missing";
    std::map<std::string, std::string> codes;
    // Rows of the code tables: | `keysize.rsa_range` | error | meaning |
    const std::regex row(R"(^\| `([a-z0-9_.]+)` \| (error|warning|info) \|)");
    std::string line;
    while (std::getline(file, line)) {
        std::smatch match;
        if (std::regex_search(line, match, row)) {
            EXPECT_EQ(codes.count(match[1]), 0u) << match[1] << " is documented twice";
            codes[match[1]] = match[2];
        }
    }
    return codes;
}

TEST(DiagnosticsReference, TableIsIndexedByCode) {
    for (std::size_t i = 0; i < code_count(); ++i)
        EXPECT_EQ(static_cast<std::size_t>(code_table()[i].code), i) << code_table()[i].name;
}

TEST(DiagnosticsReference, CodesAreDottedLowerCaseAndUnique) {
    const std::regex shape(R"(^[a-z0-9]+(\.[a-z0-9_]+)+$)");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < code_count(); ++i) {
        const std::string name = code_table()[i].name;
        EXPECT_TRUE(std::regex_match(name, shape)) << name;
        EXPECT_TRUE(seen.insert(name).second) << name << " appears twice in the table";
        EXPECT_FALSE(std::string(code_table()[i].meaning).empty()) << name;
    }
}

TEST(DiagnosticsReference, DocumentListsExactlyTheCodesWithTheirSeverity) {
    const auto documented = documented_codes();
    for (std::size_t i = 0; i < code_count(); ++i) {
        const auto& info = code_table()[i];
        auto it = documented.find(info.name);
        if (it == documented.end()) {
            ADD_FAILURE() << info.name << " is emitted but not listed in docs/diagnostics.md";
            continue;
        }
        EXPECT_EQ(it->second, to_string(info.severity)) << info.name << ": severity differs in docs/diagnostics.md";
    }
    std::set<std::string> table;
    for (std::size_t i = 0; i < code_count(); ++i) table.insert(code_table()[i].name);
    for (const auto& [name, severity] : documented)
        EXPECT_EQ(table.count(name), 1u) << name << " is listed in docs/diagnostics.md but no code emits it";
}

}  // namespace
}  // namespace acmepolicy
