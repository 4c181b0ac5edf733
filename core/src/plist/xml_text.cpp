// XML 1.0 character rules: UTF-8 decoding, validity, and escaping for element content.
#include "plist/xml_text.hpp"

namespace acmepolicy::detail {

std::int32_t decode_utf8(std::string_view text, std::size_t& pos) noexcept {
    const std::size_t n = text.size();
    if (pos >= n) return -1;
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    std::size_t length = 0;
    std::int32_t c = 0;
    std::int32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2, c = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3, c = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4, c = b0 & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (pos + length > n) return -1;
    for (std::size_t i = 1; i < length; ++i) {
        const auto b = static_cast<unsigned char>(text[pos + i]);
        if ((b & 0xC0) != 0x80) return -1;
        c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return -1;
    pos += length;
    return c;
}

bool xml_text_valid(std::string_view text) noexcept {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::int32_t c = decode_utf8(text, pos);
        if (c < 0 || !is_xml_char(c)) return false;
    }
    return true;
}

void append_utf8(std::string& out, std::int32_t c) {
    const auto u = static_cast<std::uint32_t>(c);
    if (u < 0x80) {
        out += static_cast<char>(u);
    } else if (u < 0x800) {
        out += static_cast<char>(0xC0 | (u >> 6));
        out += static_cast<char>(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        out += static_cast<char>(0xE0 | (u >> 12));
        out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (u & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (u >> 18));
        out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (u & 0x3F));
    }
}

void append_xml_escaped(std::string& out, std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char ch = text[pos];
        // Fast path for the ASCII that needs no care.
        if (static_cast<unsigned char>(ch) >= 0x20 && static_cast<unsigned char>(ch) < 0x80 && ch != '&' &&
            ch != '<' && ch != '>') {
            out += ch;
            ++pos;
            continue;
        }
        const std::size_t start = pos;
        const std::int32_t c = decode_utf8(text, pos);
        if (c < 0) {
            ++pos;  // skip one byte of the invalid sequence
            out += "\xEF\xBF\xBD";
            continue;
        }
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': out += "&#13;"; break;
            default:
                if (is_xml_char(c))
                    out.append(text, start, pos - start);
                else
                    out += "\xEF\xBF\xBD";
        }
    }
}

}  // namespace acmepolicy::detail
