// The validation reader's block scans (core/src/validation/scan.hpp): the eight-byte (SWAR) and SSE2
// versions must stop where the byte-at-a-time reference stops and see the same braces on the way, for
// every start and end in texts that mix every byte class. A native build runs SSE2 in check_policy and
// the WebAssembly build runs the words, so only this test holds the words to the reference natively.
// Also: the literal lookups that replaced list searches agree with their lists.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "acmepolicy/variables.hpp"
#include "validation/placeholders.hpp"
#include "validation/scan.hpp"

namespace acmepolicy::validation {
namespace {

// Deterministic texts over an alphabet where every byte class is common.
std::vector<std::string> mixed_texts() {
    const std::string alphabet = std::string("abcXYZ09 -.{}\"\\\t\n", 18) + std::string("\x01\x1f\x7f\x80\xc3\xa9\xff", 7);
    std::vector<std::string> texts;
    std::uint32_t state = 12345;
    const auto next = [&] {
        state = state * 1103515245U + 12345U;
        return state >> 16;
    };
    for (std::size_t length = 0; length <= 70; ++length) {
        for (int variant = 0; variant < 6; ++variant) {
            std::string text;
            for (std::size_t i = 0; i < length; ++i) {
                // Mostly plain letters, so that long plain runs (many words without a stop) occur too.
                const bool plain = variant < 3 && next() % 8 != 0;
                text.push_back(plain ? static_cast<char>('a' + next() % 26) : alphabet[next() % alphabet.size()]);
            }
            texts.push_back(text);
        }
    }
    texts.push_back(std::string(40, ' ') + "x");
    texts.push_back(std::string(33, 'a') + "{" + std::string(20, 'b') + "\"");
    texts.push_back(std::string(17, 'a') + "}" + std::string(7, 'b'));
    return texts;
}

using StringRun = const char* (*)(const char*, const char*, bool, bool&);
using SpaceRun = const char* (*)(const char*, const char*);

void expect_string_runs_match(StringRun scan, const char* name) {
    for (const std::string& text : mixed_texts()) {
        for (std::size_t from = 0; from <= text.size(); ++from) {
            for (std::size_t to = from; to <= text.size(); to += (to - from < 20 ? 1 : 7)) {
                for (const bool stop_high : {true, false}) {
                    const char* begin = text.data() + from;
                    const char* end = text.data() + to;
                    bool expected_braces = false;
                    bool braces = false;
                    const char* expected = scan::string_run_bytes(begin, end, stop_high, expected_braces);
                    const char* got = scan(begin, end, stop_high, braces);
                    ASSERT_EQ(got - begin, expected - begin)
                        << name << " from " << from << " to " << to << " stop_high " << stop_high << " in " << text;
                    ASSERT_EQ(braces, expected_braces) << name << " from " << from << " to " << to << " in " << text;
                }
            }
        }
    }
}

void expect_space_runs_match(SpaceRun scan, const char* name) {
    for (std::string text : mixed_texts()) {
        for (char& c : text)
            if (c != 'a' && c != 'b' && c != '{') c = ' ';  // long runs of spaces broken here and there
        for (std::size_t from = 0; from <= text.size(); ++from) {
            const char* begin = text.data() + from;
            const char* end = text.data() + text.size();
            ASSERT_EQ(scan(begin, end) - begin, scan::space_run_bytes(begin, end) - begin)
                << name << " from " << from << " in [" << text << "]";
        }
    }
}

TEST(ReaderScan, WordsStopWhereBytesStop) {
    ASSERT_TRUE(scan::kWords) << "a little-endian build: the words are what the WebAssembly build runs";
    expect_string_runs_match(scan::string_run_words, "words");
    expect_space_runs_match(scan::space_run_words, "words");
}

TEST(ReaderScan, BracesAndControlsAreFoundAWordAtATime) {
    for (const std::string& text : mixed_texts()) {
        for (std::size_t from = 0; from <= text.size(); ++from) {
            const char* begin = text.data() + from;
            const char* end = text.data() + text.size();
            ASSERT_EQ(scan::brace_words(begin, end) - begin, scan::brace_bytes(begin, end) - begin) << from << " in " << text;
            const std::string_view rest(begin, static_cast<std::size_t>(end - begin));
            bool expected = false;
            for (char c : rest) expected = expected || static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
            ASSERT_EQ(scan::has_space_or_control(rest), expected) << from << " in " << text;
        }
    }
    EXPECT_FALSE(scan::has_space_or_control("https://acme.example.com/directory"));
    EXPECT_TRUE(scan::has_space_or_control("https://acme.example.com/dir\x7f"));
    EXPECT_TRUE(scan::has_space_or_control(std::string("https://acme.example.com/\x01", 26)));
}

TEST(ReaderScan, Sse2StopsWhereBytesStop) {
#if defined(__SSE2__)
    expect_string_runs_match(scan::string_run_sse2, "sse2");
    expect_space_runs_match(scan::space_run_sse2, "sse2");
#else
    GTEST_SKIP() << "no SSE2 in this build";
#endif
}

TEST(ReaderScan, A16ByteBlockWithAStopInItsLastByteStopsThere) {
    // The stop is in the last byte of the first block, and a brace before it must be seen.
    const std::string text = std::string(10, 'a') + "{" + std::string(4, 'b') + "\"" + std::string(20, 'c');
    bool braces = false;
    EXPECT_EQ(scan::string_run(text.data(), text.data() + text.size(), true, braces) - text.data(), 15);
    EXPECT_TRUE(braces);
    // A brace after the stop is not seen.
    const std::string later = std::string(3, 'a') + "\"" + "}" + std::string(20, 'c');
    braces = false;
    EXPECT_EQ(scan::string_run(later.data(), later.data() + later.size(), true, braces) - later.data(), 3);
    EXPECT_FALSE(braces);
}

TEST(ReaderScan, SameBytesAgreesWithMemcmp) {
    std::string a(48, 'k');
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string b = a;
        EXPECT_TRUE(scan::same_bytes(a.data(), b.data(), n)) << n;
        for (std::size_t at = 0; at < n; ++at) {
            b = a;
            b[at] = 'q';
            EXPECT_EQ(scan::same_bytes(a.data(), b.data(), n), std::memcmp(a.data(), b.data(), n) == 0) << n << " " << at;
            EXPECT_FALSE(scan::same_bytes(a.data(), b.data(), n)) << n << " " << at;
        }
    }
    EXPECT_TRUE(scan::same_text("DirectoryURL", "DirectoryURL"));
    EXPECT_FALSE(scan::same_text("KeyType", "KeySize"));
    EXPECT_FALSE(scan::same_text("Key", "KeyType"));
}

TEST(KnownVariables, TheLookupByLengthAgreesWithTheList) {
    for (const std::string& name : variable_names()) {
        EXPECT_TRUE(is_known_variable(name)) << name;
        std::string changed = name;
        changed.back() = 'X';
        EXPECT_FALSE(is_known_variable(changed)) << changed;
        EXPECT_FALSE(is_known_variable(name + "_")) << name;
    }
    EXPECT_FALSE(is_known_variable(""));
    EXPECT_FALSE(is_known_variable("serial"));
}

TEST(KnownVariables, TemplateSyntaxIsFoundWhereverThePairIs) {
    EXPECT_TRUE(has_template_syntax("{{udid}}"));
    EXPECT_TRUE(has_template_syntax("a}}"));
    EXPECT_TRUE(has_template_syntax("x{{"));
    EXPECT_FALSE(has_template_syntax("{a}{b}"));
    EXPECT_FALSE(has_template_syntax("{"));
    EXPECT_FALSE(has_template_syntax(""));
    EXPECT_FALSE(has_template_syntax("{}{}"));
}

TEST(Placeholders, TheOnePassScanReadsTemplatesAsParseTemplateDoes) {
    // Every text of up to 9 bytes over braces, a space and two letters (and some longer ones).
    const std::string alphabet = "{} au";
    std::vector<std::string> texts = {"{{user_email}}", "urn:{{ udid }}:{{udid}}", "{{a}}}}", "{{{a}}", "}}{{a}}"};
    std::uint32_t state = 7;
    for (int i = 0; i < 20000; ++i) {
        state = state * 1103515245U + 12345U;
        std::string text;
        for (std::uint32_t n = (state >> 8) % 10, bits = state; n > 0; --n, bits = bits * 2654435761U + 1)
            text.push_back(alphabet[(bits >> 13) % alphabet.size()]);
        texts.push_back(text);
    }
    for (const std::string& text : texts) {
        const TemplateParse parsed = parse_template(text);
        std::vector<std::string> names;
        std::string literals;
        const bool ok = scan_template(
            text, [&](std::string_view run) { literals += run; }, [&](std::string_view name) { names.emplace_back(name); });
        ASSERT_EQ(ok, !parsed.error.has_value()) << "[" << text << "]";
        if (!ok) {
            std::string buffer;
            std::string_view out;
            EXPECT_FALSE(with_placeholders(text, buffer, out)) << "[" << text << "]";
            continue;
        }
        std::vector<std::string> expected_names;
        std::string expected_literals;
        std::string expected_text;
        for (const TemplatePart& part : parsed.parts) {
            if (part.is_variable) expected_names.push_back(part.text);
            else expected_literals += part.text;
            expected_text += part.is_variable ? (part.text == "user_email" ? "user@example.com" : "x1") : part.text;
        }
        EXPECT_EQ(names, expected_names) << "[" << text << "]";
        EXPECT_EQ(literals, expected_literals) << "[" << text << "]";
        std::string buffer;
        std::string_view out;
        EXPECT_TRUE(with_placeholders(text, buffer, out)) << "[" << text << "]";
        EXPECT_EQ(out, expected_text) << "[" << text << "]";
    }
}

}  // namespace
}  // namespace acmepolicy::validation
