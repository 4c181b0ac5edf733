// Small text helpers of validation: UTF-8 decoding, character counts, trimming, ASCII case folding.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace acmepolicy::validation {

/// Number of Unicode code points in valid UTF-8 text (bytes of invalid sequences count one each).
std::size_t count_characters(std::string_view text) noexcept;

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

/// The first code point an XML 1.0 document cannot carry (C0 controls except those in `allowed`, U+FFFE,
/// U+FFFF), as its value, or nullopt. The text must be valid UTF-8.
std::optional<unsigned> first_xml_forbidden(std::string_view text, std::string_view allowed_controls) noexcept;

/// The text without leading and trailing ASCII white space.
std::string_view trim(std::string_view text) noexcept;

std::string ascii_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b) noexcept;

/// "U+0007"-style spelling of a code point for messages.
std::string code_point_name(unsigned code_point);

/// The text quoted for a message, cut to a readable length.
std::string quote_text(std::string_view text);

}  // namespace acmepolicy::validation
