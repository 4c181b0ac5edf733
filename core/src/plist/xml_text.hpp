// XML 1.0 character rules shared by the plist writer and reader (internal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace acmepolicy::detail {

/// Decodes one UTF-8 sequence at `pos` (shortest form, no surrogates, ≤ U+10FFFF). Returns the code point
/// and advances `pos`, or returns -1 (pos unchanged) for invalid UTF-8.
std::int32_t decode_utf8(std::string_view text, std::size_t& pos) noexcept;

/// True for the code points XML 1.0 allows in a document (Char production, §2.2).
inline bool is_xml_char(std::int32_t c) noexcept {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/// True when `text` is valid UTF-8 made only of XML characters, so it survives a plist unchanged.
bool xml_text_valid(std::string_view text) noexcept;

/// Appends `text` escaped for element content: &, <, > become entities (so "]]>" is harmless), CR becomes
/// "&#13;" (parsers would otherwise normalise it to LF), and anything XML cannot carry (invalid UTF-8, C0
/// controls other than tab/LF/CR, U+FFFE/U+FFFF) becomes U+FFFD.
void append_xml_escaped(std::string& out, std::string_view text);

/// Appends code point `c` as UTF-8.
void append_utf8(std::string& out, std::int32_t c);

}  // namespace acmepolicy::detail
