// plist::write_xml: Apple's document form, byte stability, and Python's plistlib as an independent reader.
#include <gtest/gtest.h>

#include "acmepolicy/plist.hpp"
#include "plist_test_values.hpp"
#include "run_process.hpp"

using namespace acmepolicy;
using namespace acmepolicy::testing;

namespace {

/// What Python's plistlib reads from `document`, as type-tagged JSON.
nlohmann::json python_reading(const std::string& document) {
    ScratchDir dir;
    write_file(dir.file("doc.plist"), document);
    const ProcessResult r = run_process("python3 '" ACMEPOLICY_SOURCE_DIR "/tests/plist/plist_dump.py' '" +
                                        dir.file("doc.plist") + "'");
    EXPECT_EQ(r.exit_code, 0) << document.substr(0, 2000);
    return nlohmann::json::parse(r.out, nullptr, false);
}

}  // namespace

TEST(PlistWriter, ApplesDocumentForm) {
    const plist::Value v = plist::Dict{{"PayloadVersion", 1},
                                       {"PayloadRemovalDisallowed", false},
                                       {"PayloadContent", plist::Array{plist::Dict{{"Name", "a & b"}}}},
                                       {"Empty", plist::Array{}},
                                       {"Blob", plist::Data{"hello"}},
                                       {"When", plist::Date{0}}};
    const std::string expected =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n"
        "<dict>\n"
        "\t<key>PayloadVersion</key>\n"
        "\t<integer>1</integer>\n"
        "\t<key>PayloadRemovalDisallowed</key>\n"
        "\t<false/>\n"
        "\t<key>PayloadContent</key>\n"
        "\t<array>\n"
        "\t\t<dict>\n"
        "\t\t\t<key>Name</key>\n"
        "\t\t\t<string>a &amp; b</string>\n"
        "\t\t</dict>\n"
        "\t</array>\n"
        "\t<key>Empty</key>\n"
        "\t<array/>\n"
        "\t<key>Blob</key>\n"
        "\t<data>\n"
        "\taGVsbG8=\n"
        "\t</data>\n"
        "\t<key>When</key>\n"
        "\t<date>1970-01-01T00:00:00Z</date>\n"
        "</dict>\n"
        "</plist>\n";
    EXPECT_EQ(plist::write_xml(v), expected);
}

TEST(PlistWriter, EscapesMarkupSoCdataEndIsHarmless) {
    const std::string xml = plist::write_xml(plist::Value("a<b>c&d]]>e\"f'g\rh"));
    EXPECT_NE(xml.find("<string>a&lt;b&gt;c&amp;d]]&gt;e\"f'g&#13;h</string>"), std::string::npos) << xml;
}

TEST(PlistWriter, ByteStable) {
    const plist::Value v = hostile_value();
    EXPECT_EQ(plist::write_xml(v), plist::write_xml(v));
}

TEST(PlistWriter, LongDataWrapsAt76Characters) {
    const std::string xml = plist::write_xml(plist::Value(plist::Array{plist::Data{std::string(300, 'x')}}));
    std::size_t start = xml.find("<data>\n") + 7;
    const std::size_t stop = xml.find("</data>");
    ASSERT_LT(start, stop);
    std::size_t lines = 0;
    while (start < stop) {
        const std::size_t end = xml.find('\n', start);
        if (end > stop) break;
        EXPECT_EQ(end - start, lines < 5 ? 77u : 1u + 400 - 5 * 76);  // one tab + 76 characters, then the rest
        start = end + 1;
        ++lines;
    }
    EXPECT_EQ(lines, 6u);  // 300 bytes are 400 Base64 characters
}

TEST(PlistWriter, PythonPlistlibReadsHostileValuesUnchanged) {
    const plist::Value v = hostile_value();
    const nlohmann::json python = python_reading(plist::write_xml(v));
    ASSERT_FALSE(python.is_discarded());
    EXPECT_EQ(python, tagged(v));
}

TEST(PlistWriter, PythonReadsNonFiniteReals) {
    const plist::Value v = plist::Array{std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()};
    const nlohmann::json python = python_reading(plist::write_xml(v));
    EXPECT_EQ(python["v"][0]["v"], "inf");
    EXPECT_EQ(python["v"][1]["v"], "-inf");
}

TEST(PlistWriter, TextXmlCannotCarryBecomesReplacementCharacter) {
    EXPECT_TRUE(plist::is_xml_text("tab\tnewline\ncr\r \xF0\x9F\x94\x90"));
    EXPECT_FALSE(plist::is_xml_text(std::string("nul\0", 4)));
    EXPECT_FALSE(plist::is_xml_text("bell\x07"));
    EXPECT_FALSE(plist::is_xml_text("bad utf-8 \xC3("));
    EXPECT_FALSE(plist::is_xml_text("\xEF\xBF\xBF"));  // U+FFFF
    const std::string xml = plist::write_xml(plist::Value(std::string("a\x07" "b\xFF" "c")));
    EXPECT_NE(xml.find("<string>a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c</string>"), std::string::npos);
    const nlohmann::json python = python_reading(xml);
    EXPECT_EQ(python["v"], "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
}
