// Text helpers of validation (see text.hpp).
#include "validation/text.hpp"

#include <cstdint>
#include <cstdio>

#include "validation/scan.hpp"

namespace acmepolicy::validation {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when malformed.
std::size_t decode(std::string_view text, std::size_t i, unsigned& cp) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned b0 = byte(i);
    std::size_t length = 0;
    unsigned min = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    } else if ((b0 & 0xE0) == 0xC0) {
        length = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned b = byte(i + k);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return length;
}

}  // namespace

std::size_t count_characters(std::string_view text) noexcept {
    // ASCII text (the common case) has one character per byte: the bytes or-ed together a word at a time.
    std::uint64_t bits = 0;
    std::size_t at = 0;
    for (; at + 8 <= text.size(); at += 8) bits |= scan::word::load(text.data() + at);
    for (; at < text.size(); ++at) bits |= static_cast<unsigned char>(text[at]);
    if ((bits & scan::word::kHighs) == 0) return text.size();
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        unsigned cp = 0;
        const std::size_t length = decode(text, i, cp);
        i += length == 0 ? 1 : length;
    }
    return count;
}

bool is_valid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        unsigned cp = 0;
        const std::size_t length = decode(text, i, cp);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::optional<unsigned> first_xml_forbidden(std::string_view text, std::string_view allowed_controls) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x80) {
            ++i;
            continue;
        }
        unsigned cp = 0;
        const std::size_t length = decode(text, i, cp);
        if (length == 0) return std::nullopt;
        if ((cp < 0x20 && allowed_controls.find(static_cast<char>(cp)) == std::string_view::npos) ||
            cp == 0xFFFE || cp == 0xFFFF)
            return cp;
        i += length;
    }
    return std::nullopt;
}

std::string_view trim(std::string_view text) noexcept {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string code_point_name(unsigned code_point) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", code_point);
    return buffer;
}

std::string quote_text(std::string_view text) {
    constexpr std::size_t kMax = 80;
    if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
    std::size_t cut = kMax;
    // Never cut inside a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return "\"" + std::string(text.substr(0, cut)) + "...\"";
}

}  // namespace acmepolicy::validation
