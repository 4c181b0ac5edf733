// Golden files: a fixed set of policy/device pairs rendered through api_render must match the reviewed
// files in tests/render/golden byte for byte. ACMEPOLICY_UPDATE_GOLDEN=1 rewrites them (review the diff).
#include <cctype>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::read_file;
using render_test::source_path;

struct GoldenCase {
    const char* name;     // the golden file's name
    const char* policy;   // under tests/render/cases
    const char* device;   // a path from the source root, or "" for none
    const char* options;  // JSON, besides "device" and the fixed "now"
};

const GoldenCase kCases[] = {
    {"corp-acme.d-0042.mobileconfig", "corp-acme-with-ca.json", "examples/devices/d-0042.json",
     R"({"identifier_prefix": "com.example.mdm", "organization": "Example Inc."})"},
    {"corp-acme.preview.mobileconfig", "corp-acme-with-ca.json", "", R"({"preview": true})"},
    {"byod-rsa.d-0107.mobileconfig", "byod-rsa.json", "examples/devices/d-0107-ipad-user-enrollment.json",
     R"({"identifier_prefix": "net.example", "organization": "Example Inc.", "description": "Wi-Fi identity for personal devices."})"},
    {"token-acme.d-0042.mobileconfig", "token-acme.json", "examples/devices/d-0042.json",
     R"({"client_token_secret": "correct horse battery staple"})"},
    {"hostile.hostile-device.mobileconfig", "hostile.json", "tests/render/cases/hostile-device.json",
     R"({"organization": "<&> ]]> \"q\" 'a' ü", "description": "x\ty"})"},
    {"corp-acme.d-0042.ddm.json", "corp-acme-with-ca.json", "examples/devices/d-0042.json",
     R"({"format": "ddm", "identifier_prefix": "com.example.mdm", "ddm_base_url": "https://mdm.example.com/ddm/credentials"})"},
    {"corp-acme.d-0042.install-command.plist", "corp-acme.json", "examples/devices/d-0042.json",
     R"({"format": "install-command", "identifier_prefix": "com.example.mdm", "command_uuid": "5B0C1F70-3A2E-4F7B-9C1D-0E2F3A4B5C6D"})"},
    {"corp-acme.remove-command.plist", "corp-acme.json", "",
     R"({"format": "remove-command", "identifier_prefix": "com.example.mdm", "random_hex": "000102030405060708090a0b0c0d0e0f"})"},
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

ApiResult render_case(const GoldenCase& c) {
    nlohmann::json options = nlohmann::json::parse(c.options);
    options["now"] = "2026-12-01T00:00:00Z";
    if (*c.device) options["device"] = nlohmann::json::parse(read_file(source_path(c.device)));
    return api_render(read_file(source_path(std::string("tests/render/cases/") + c.policy)), options.dump());
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesTheReviewedFile) {
    const GoldenCase& c = GetParam();
    const ApiResult result = render_case(c);
    ASSERT_EQ(result.status, ApiStatus::ok) << result.json;
    const std::string path = source_path(std::string("tests/render/golden/") + c.name);
    const char* update = std::getenv("ACMEPOLICY_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << result.bytes;
        GTEST_SKIP() << "rewrote " << path;
    }
    EXPECT_EQ(result.bytes, read_file(path)) << "rendered output differs from " << path;
    // Byte-identical on a second run.
    EXPECT_EQ(render_case(c).bytes, result.bytes);
}

INSTANTIATE_TEST_SUITE_P(Render, Golden, ::testing::ValuesIn(kCases), [](const auto& param_info) {
    std::string name;
    for (const char* p = param_info.param.name; *p; ++p) name.push_back(std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
    return name;
});

}  // namespace
}  // namespace acmepolicy
