// plist::read_xml: round trips of writer output, the XML it accepts, and hostile input it must refuse.
#include <gtest/gtest.h>

#include "acmepolicy/plist.hpp"
#include "plist_test_values.hpp"

using namespace acmepolicy;
using namespace acmepolicy::testing;

namespace {

const std::string kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n";

std::string doc(const std::string& body) { return kHead + "<plist version=\"1.0\">" + body + "</plist>\n"; }

plist::Value read_ok(const std::string& text) {
    plist::ReadResult r = plist::read_xml(text);
    EXPECT_TRUE(r.report.valid()) << (r.report.empty() ? "" : r.report.diagnostics().front().code + ": " +
                                                                  r.report.diagnostics().front().message);
    EXPECT_TRUE(r.value.has_value());
    return r.value ? *r.value : plist::Value();
}

/// The one error code the reader reports for `text` ("" when it accepts it).
std::string error_code(const std::string& text, const plist::ReadLimits& limits = {}) {
    plist::ReadResult r = plist::read_xml(text, limits);
    if (r.report.valid()) return "";
    EXPECT_FALSE(r.value.has_value());
    EXPECT_EQ(r.report.diagnostics().size(), 1u);
    const Diagnostic& d = r.report.diagnostics().front();
    EXPECT_EQ(d.severity, Severity::error);
    EXPECT_EQ(d.message.rfind("Line ", 0), 0u) << d.message;
    return d.code;
}

}  // namespace

TEST(PlistReader, RoundTripsWriterOutputExactly) {
    const plist::Value v = hostile_value();
    const plist::Value back = read_ok(plist::write_xml(v));
    EXPECT_EQ(tagged(back), tagged(v));
    EXPECT_EQ(plist::write_xml(back), plist::write_xml(v));
}

TEST(PlistReader, ScalarsOfEveryType) {
    const plist::Value v = read_ok(doc(
        "<array><string>s</string><integer> -42 </integer><integer>0x1F</integer><real>2.5e3</real>"
        "<real>-.5</real><true/><false></false><date>2026-11-28T12:00:00Z</date><data>Zm9v\n\tYmFy</data>"
        "<string/><data/><dict/><array/></array>"));
    EXPECT_EQ(tagged(v), tagged(plist::Array{std::string("s"), std::int64_t{-42}, std::int64_t{31}, 2500.0, -0.5, true,
                                             false, plist::Date{1795867200}, plist::Data{"foobar"}, std::string(),
                                             plist::Data{""}, plist::Dict{}, plist::Array{}}));
}

TEST(PlistReader, EntitiesCdataCommentsAndLineEnds) {
    const plist::Value v = read_ok(
        "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?><!-- a comment --><plist>"
        "<dict><!-- c --><key>k&amp;&lt;&gt;&quot;&apos;</key>"
        "<string>&#65;&#x42;&#x1F510;<![CDATA[<raw> & ]]>a\r\nb\rc<!-- skip -->d</string></dict></plist><!-- end -->");
    const plist::Value* s = v.find("k&<>\"'");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(*s->as_string(), "AB\xF0\x9F\x94\x90<raw> & a\nb\ncd");
}

TEST(PlistReader, KeepsDictOrder) {
    const plist::Value v = read_ok(doc("<dict><key>z</key><true/><key>a</key><false/><key>m</key><dict/></dict>"));
    ASSERT_NE(v.as_dict(), nullptr);
    ASSERT_EQ(v.as_dict()->size(), 3u);
    EXPECT_EQ((*v.as_dict())[0].first, "z");
    EXPECT_EQ((*v.as_dict())[1].first, "a");
    EXPECT_EQ((*v.as_dict())[2].first, "m");
}

TEST(PlistReader, RejectsEntityDeclarationsAndBillionLaughs) {
    const std::string laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
        "<plist version=\"1.0\"><string>&lol2;</string></plist>";
    EXPECT_EQ(error_code(laughs), "plist.doctype");
    EXPECT_EQ(error_code("<!ENTITY x \"y\"><plist><string/></plist>"), "plist.entity_declaration");
    EXPECT_EQ(error_code(doc("<string>&lol;</string>")), "plist.unknown_entity");
    EXPECT_EQ(error_code("<!DOCTYPE html><plist><string/></plist>"), "plist.doctype");
    EXPECT_EQ(error_code("<!DOCTYPE plist SYSTEM \"file:///etc/passwd\" [ ]><plist><string/></plist>"),
              "plist.doctype");
}

TEST(PlistReader, RejectsStructuralErrorsWithCodes) {
    const std::pair<std::string, const char*> cases[] = {
        {doc("<dict><key>a</key><true/><key>a</key><false/></dict>"), "plist.duplicate_key"},
        {doc("<dict><key>a</key></dict>"), "plist.missing_value"},
        {doc("<dict><key>a</key><key>b</key><true/></dict>"), "plist.missing_value"},
        {doc("<dict><true/></dict>"), "plist.expected_key"},
        {doc("<array><key>a</key></array>"), "plist.unexpected_key"},
        {doc("<foo/>"), "plist.unknown_element"},
        {doc("<dict><key>a</key><uid>1</uid></dict>"), "plist.unknown_element"},
        {doc("<array></dict>"), "plist.mismatched_tag"},
        {doc("<string>a</integer>"), "plist.mismatched_tag"},
        {doc("<string>a<b/></string>"), "plist.unexpected_element"},
        {doc("<array>text</array>"), "plist.unexpected_text"},
        {doc("<true/><false/>"), "plist.trailing_content"},
        {doc("") , "plist.empty"},
        {kHead + "<plist version=\"1.0\"/>", "plist.empty"},
        {doc("<true/>") + "<true/>", "plist.trailing_content"},
        {kHead + "<plist version=\"1.0\"><array>", "plist.unexpected_end"},
        {kHead + "<plist version=\"1.0\"><string>abc", "plist.unexpected_end"},
        {"<plist version=\"2.0\"><true/></plist>", "plist.unsupported_version"},
        {doc("<string id=\"x\">a</string>"), "plist.unexpected_attribute"},
        {"<?xml version=\"1.0\" encoding=\"UTF-16\"?><plist><true/></plist>", "plist.unsupported_encoding"},
        {"<?php echo 1; ?><plist><true/></plist>", "plist.processing_instruction"},
        {"junk<plist><true/></plist>", "plist.unexpected_text"},
        {"", "plist.malformed"},
        {"<html><true/></html>", "plist.malformed"},
        {doc("<string>a ]]> b</string>"), "plist.malformed"},
        {doc("<!-- a -- b --><true/>"), "plist.malformed"},
        {doc("<true>x</true>"), "plist.invalid_boolean"},
    };
    for (const auto& [text, code] : cases) EXPECT_EQ(error_code(text), code) << text;
}

TEST(PlistReader, RejectsBadScalars) {
    const std::pair<std::string, const char*> cases[] = {
        {doc("<integer>9223372036854775808</integer>"), "plist.integer_out_of_range"},
        {doc("<integer>-9223372036854775809</integer>"), "plist.integer_out_of_range"},
        {doc("<integer>0x8000000000000000</integer>"), "plist.integer_out_of_range"},
        {doc("<integer>12a</integer>"), "plist.invalid_integer"},
        {doc("<integer></integer>"), "plist.invalid_integer"},
        {doc("<integer>1.5</integer>"), "plist.invalid_integer"},
        {doc("<real>1e999</real>"), "plist.invalid_real"},
        {doc("<real>abc</real>"), "plist.invalid_real"},
        {doc("<real>1.2.3</real>"), "plist.invalid_real"},
        {doc("<real>0x10</real>"), "plist.invalid_real"},
        {doc("<date>2026-02-30T00:00:00Z</date>"), "plist.invalid_date"},
        {doc("<date>yesterday</date>"), "plist.invalid_date"},
        {doc("<data>Zm9v!</data>"), "plist.invalid_data"},
        {doc("<string>&#0;</string>"), "plist.invalid_character_reference"},
        {doc("<string>&#xD800;</string>"), "plist.invalid_character_reference"},
        {doc("<string>&#x110000;</string>"), "plist.invalid_character_reference"},
        {doc("<string>&#;</string>"), "plist.invalid_character_reference"},
        {doc("<string>a & b</string>"), "plist.unknown_entity"},
        {doc("<string>bad \xC3\x28 utf-8</string>"), "plist.invalid_utf8"},
        {doc("<string>overlong \xC0\xAF</string>"), "plist.invalid_utf8"},
        {doc("<string>surrogate \xED\xA0\x80</string>"), "plist.invalid_utf8"},
        {doc(std::string("<string>nul \0</string>", 21)), "plist.invalid_character"},
        {doc("<string>bell \x07</string>"), "plist.invalid_character"},
    };
    for (const auto& [text, code] : cases) EXPECT_EQ(error_code(text), code) << text;
    EXPECT_EQ(error_code(doc("<integer>-9223372036854775808</integer>")), "");
    EXPECT_EQ(error_code(doc("<integer>0x7FFFFFFFFFFFFFFF</integer>")), "");
}

TEST(PlistReader, EnforcesLimits) {
    plist::ReadLimits limits;
    limits.max_document_bytes = 200;
    EXPECT_EQ(error_code(doc("<string>" + std::string(300, 'a') + "</string>"), limits), "plist.too_large");

    limits = {};
    limits.max_string_bytes = 10;
    EXPECT_EQ(error_code(doc("<string>" + std::string(11, 'a') + "</string>"), limits), "plist.string_too_long");
    EXPECT_EQ(error_code(doc("<string>" + std::string(10, 'a') + "</string>"), limits), "");
    EXPECT_EQ(error_code(doc("<dict><key>" + std::string(11, 'k') + "</key><true/></dict>"), limits),
              "plist.string_too_long");

    limits = {};
    limits.max_data_bytes = 3;
    EXPECT_EQ(error_code(doc("<data>Zm9vYg==</data>"), limits), "plist.data_too_large");
    EXPECT_EQ(error_code(doc("<data>Zm9v</data>"), limits), "");

    limits = {};
    limits.max_depth = 3;
    EXPECT_EQ(error_code(doc("<array><array><array/></array></array>"), limits), "");
    EXPECT_EQ(error_code(doc("<array><array><array><array/></array></array></array>"), limits), "");
    EXPECT_EQ(error_code(doc("<array><array><array><array><true/></array></array></array></array>"), limits),
              "plist.too_deep");
}

TEST(PlistReader, HugeNestingFailsFastWithoutRecursion) {
    std::string body;
    for (int i = 0; i < 100000; ++i) body += "<array>";
    plist::ReadLimits limits;
    limits.max_document_bytes = 2 * 1024 * 1024;
    EXPECT_EQ(error_code(doc(body), limits), "plist.too_deep");
}

TEST(PlistReader, DiagnosticPathPointsAtTheValue) {
    plist::ReadResult r = plist::read_xml(
        doc("<dict><key>Payload/Content</key><array><true/><integer>x</integer></array></dict>"));
    ASSERT_EQ(r.report.diagnostics().size(), 1u);
    EXPECT_EQ(r.report.diagnostics()[0].code, "plist.invalid_integer");
    EXPECT_EQ(r.report.diagnostics()[0].path, "/Payload~1Content/1");

    r = plist::read_xml(doc("<dict><key>a</key><true/><key>a</key><true/></dict>"));
    ASSERT_EQ(r.report.diagnostics().size(), 1u);
    EXPECT_EQ(r.report.diagnostics()[0].path, "/a");
}

TEST(PlistReader, ToJsonConvertsDatesAndData) {
    const nlohmann::json j = plist::to_json(plist::Value(
        plist::Dict{{"d", plist::Date{0}}, {"b", plist::Data{"\x01\x02"}}, {"n", plist::Array{1, 2.5}}}));
    EXPECT_EQ(j["d"], "1970-01-01T00:00:00Z");
    EXPECT_EQ(j["b"], "AQI=");
    EXPECT_EQ(j["n"][0], 1);
    EXPECT_EQ(j["n"][1], 2.5);
}
