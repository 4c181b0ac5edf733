// api_parse_plist: the facade's JSON shapes and status codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/plist.hpp"

using namespace acmepolicy;

TEST(PlistApi, ValueAsJson) {
    const plist::Value v = plist::Dict{{"Status", "Acknowledged"},
                                       {"Count", 3},
                                       {"Ratio", 0.5},
                                       {"Ok", true},
                                       {"At", plist::Date{1795867200}},
                                       {"Blob", plist::Data{"foo"}},
                                       {"List", plist::Array{std::string("x")}}};
    const ApiResult r = api_parse_plist(plist::write_xml(v));
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const nlohmann::json j = nlohmann::json::parse(r.json);
    EXPECT_EQ(j["value"]["Status"], "Acknowledged");
    EXPECT_EQ(j["value"]["Count"], 3);
    EXPECT_TRUE(j["value"]["Count"].is_number_integer());
    EXPECT_EQ(j["value"]["Ratio"], 0.5);
    EXPECT_EQ(j["value"]["Ok"], true);
    EXPECT_EQ(j["value"]["At"], "2026-11-28T12:00:00Z");
    EXPECT_EQ(j["value"]["Blob"], "Zm9v");
    EXPECT_EQ(j["value"]["List"], nlohmann::json::array({"x"}));
    EXPECT_TRUE(r.bytes.empty());
}

TEST(PlistApi, DiagnosticsForBadInput) {
    const ApiResult r = api_parse_plist("<plist version=\"1.0\"><dict><key>a</key><foo/></dict></plist>");
    ASSERT_EQ(r.status, ApiStatus::invalid_input);
    const nlohmann::json j = nlohmann::json::parse(r.json);
    ASSERT_EQ(j["diagnostics"].size(), 1u);
    EXPECT_EQ(j["diagnostics"][0]["code"], "plist.unknown_element");
    EXPECT_EQ(j["diagnostics"][0]["path"], "/a");
    EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
    EXPECT_FALSE(j.contains("value"));
}

TEST(PlistApi, EmptyAndBinaryInputNeverCrash) {
    EXPECT_EQ(api_parse_plist("").status, ApiStatus::invalid_input);
    EXPECT_EQ(api_parse_plist(std::string("\0\xff\xfe", 3)).status, ApiStatus::invalid_input);
    EXPECT_EQ(api_parse_plist("bplist00").status, ApiStatus::invalid_input);
}
