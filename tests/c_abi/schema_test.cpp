// acmepolicy_schema through the shared library: the same bytes as `acmepolicy schema` (the CLI, which calls
// the core's facade directly), and every code of docs/diagnostics.md in its code table with its severity.
// Only the library is linked (no second copy of the core in the process).
#include <acmepolicy.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::string schema_from_library() {
    acmepolicy_buffer out{nullptr, 0};
    EXPECT_EQ(acmepolicy_schema(&out), ACMEPOLICY_OK);
    std::string text = out.data ? std::string(out.data, out.len) : std::string();
    acmepolicy_free(&out);
    EXPECT_EQ(out.data, nullptr);
    return text;
}

std::string schema_from_cli() {
    std::string text;
    FILE* pipe = popen((std::string("'") + ACMEPOLICY_CLI_PATH + "' schema").c_str(), "r");
    if (!pipe) return text;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) text.append(chunk, n);
    EXPECT_EQ(pclose(pipe), 0);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

TEST(CAbiSchema, IsTheCoresDocumentByteForByte) {
    const std::string text = schema_from_library();
    EXPECT_EQ(text, schema_from_cli());
    EXPECT_EQ(acmepolicy_schema(nullptr), ACMEPOLICY_NULL_ARGUMENT);
}

TEST(CAbiSchema, HoldsEveryDocumentedCodeWithItsSeverity) {
    const auto doc = nlohmann::json::parse(schema_from_library());
    std::map<std::string, std::string> severity;
    for (const auto& c : doc["codes"]) severity[c["code"].get<std::string>()] = c["severity"].get<std::string>();
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/docs/diagnostics.md");
    ASSERT_TRUE(file.good());
    const std::regex row(R"(^\| `([a-z0-9_.]+)` \| (error|warning|info) \|)");
    std::size_t documented = 0;
    for (std::string line; std::getline(file, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        ++documented;
        EXPECT_EQ(severity[m[1]], m[2].str()) << m[1];
    }
    EXPECT_EQ(documented, doc["codes"].size());
}

}  // namespace
