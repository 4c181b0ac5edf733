// docs/rendering.md lists exactly the render.* codes the renderer emits, each with its severity.
#include <filesystem>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::read_file;
using render_test::source_path;

// code → severity, from `report.error("render.x", ...)` (and warning/info) calls in core/src/render.
std::map<std::string, std::string> emitted_codes() {
    std::map<std::string, std::string> codes;
    const std::regex call(R"(report\.(error|warning|info)\(\s*"(render\.[a-z0-9_.]+)\")");
    for (const auto& entry : std::filesystem::directory_iterator(source_path("core/src/render"))) {
        if (entry.path().extension() != ".cpp") continue;
        const std::string text = read_file(entry.path().string());
        for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
            auto [pos, inserted] = codes.emplace((*it)[2], (*it)[1]);
            EXPECT_EQ(pos->second, (*it)[1].str()) << (*it)[2] << " is emitted with two severities";
        }
    }
    return codes;
}

std::map<std::string, std::string> documented_codes() {
    std::map<std::string, std::string> codes;
    const std::regex row(R"(^\| `(render\.[a-z0-9_.]+)` \| (error|warning|info) \|)", std::regex::multiline);
    const std::string text = read_file(source_path("docs/rendering.md"));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it) {
        EXPECT_EQ(codes.count((*it)[1]), 0u) << (*it)[1] << " is documented twice";
        codes[(*it)[1]] = (*it)[2];
    }
    return codes;
}

TEST(RenderCodesReference, DocumentListsExactlyTheEmittedCodes) {
    const auto emitted = emitted_codes();
    const auto documented = documented_codes();
    EXPECT_GE(emitted.size(), 20u);  // the scan found the calls
    EXPECT_EQ(emitted, documented);
}

}  // namespace
}  // namespace acmepolicy
