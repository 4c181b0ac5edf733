// XML property lists: a writer for what we render and a strict reader for what devices send back.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy::plist {

struct Value;
using Array = std::vector<Value>;
/// Dictionary entries keep insertion order: Apple's tools do not sort, and our output must be stable.
using Dict = std::vector<std::pair<std::string, Value>>;

struct Date { std::int64_t seconds = 0; };   // seconds since the Unix epoch, UTC
struct Data { std::string bytes; };          // raw bytes, written as Base64

/// A property-list value. Integers are 64-bit signed; reals are doubles.
struct Value {
    std::variant<std::string, std::int64_t, double, bool, Date, Data, Array, Dict> v;

    Value() : v(std::string()) {}
    // Not for Value itself: libc++ (Emscripten) would pick this over the copy constructor.
    template <typename T, typename = std::enable_if_t<!std::is_same_v<std::decay_t<T>, Value>>>
    Value(T&& x) : v(std::forward<T>(x)) {}  // NOLINT(google-explicit-constructor)
    Value(const char* s) : v(std::string(s)) {}  // NOLINT(google-explicit-constructor)
    Value(int i) : v(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)

    const Dict* as_dict() const { return std::get_if<Dict>(&v); }
    const Array* as_array() const { return std::get_if<Array>(&v); }
    const std::string* as_string() const { return std::get_if<std::string>(&v); }
    /// The member `key` of a dict, or nullptr.
    const Value* find(std::string_view key) const;
};

/// Writes a complete XML plist document (XML declaration, Apple's DOCTYPE, <plist version="1.0">),
/// tab-indented as Apple's tools write it, ending with a newline. Text is XML-escaped; byte-stable.
/// &, < and > are written as entities (so "]]>" cannot end anything) and CR as "&#13;". Text XML 1.0
/// cannot carry (invalid UTF-8, C0 controls other than tab/LF/CR) is replaced by U+FFFD: check inputs with
/// is_xml_text first when that must be an error. <data> is Base64 in lines of 76 characters; reals use the
/// shortest text that reads back exactly ("nan", "+infinity", "-infinity" as Apple spells them).
std::string write_xml(const Value& root);

/// True when `text` is valid UTF-8 of XML 1.0 characters only, i.e. write_xml keeps it unchanged.
bool is_xml_text(std::string_view text) noexcept;

struct ReadLimits {
    std::size_t max_document_bytes = 1024 * 1024;
    std::size_t max_depth = 32;
    std::size_t max_string_bytes = 64 * 1024;
    std::size_t max_data_bytes = 512 * 1024;
};

/// The result of reading untrusted plist bytes: `value` unless the report has an error (`plist.*` codes).
struct ReadResult {
    std::optional<Value> value;
    Report report;
};

/// Strictly reads an XML plist (dict, array, string, integer, real, true, false, date, data). Rejects
/// DTD entity declarations, unknown elements, duplicate dict keys, text outside values, and anything over
/// the limits. Never throws for bad input (allocation failure is reported as plist.too_large).
///
/// Accepted XML: an optional UTF-8 byte-order mark and <?xml ...?> declaration (UTF-8 only), comments,
/// Apple's DOCTYPE (or none), <plist> with at most version="1.0", CDATA sections and the entities &amp;
/// &lt; &gt; &quot; &apos; plus numeric character references inside text; CR LF and CR in text read as LF.
/// <integer> is 64-bit signed decimal or 0x hexadecimal; <real> is decimal or nan/inf/+infinity/-infinity;
/// <date> is RFC 3339; <data> is Base64 with any whitespace. Nesting is handled with an explicit stack.
///
/// The first problem stops reading and is the one diagnostic (severity error, path = JSON pointer of the
/// value being read, message starting "Line N: "). Codes (stable):
///   plist.too_large, plist.invalid_utf8, plist.invalid_character, plist.unsupported_encoding,
///   plist.doctype (internal subset or not "plist"), plist.entity_declaration, plist.processing_instruction,
///   plist.malformed (broken XML syntax), plist.unsupported_version, plist.unexpected_attribute,
///   plist.empty, plist.trailing_content, plist.unexpected_end, plist.mismatched_tag,
///   plist.unexpected_markup, plist.unexpected_text, plist.unexpected_element, plist.unknown_element,
///   plist.unexpected_key, plist.expected_key, plist.missing_value, plist.duplicate_key, plist.too_deep,
///   plist.string_too_long, plist.data_too_large, plist.value_too_long, plist.unknown_entity,
///   plist.invalid_character_reference, plist.invalid_boolean, plist.invalid_integer,
///   plist.integer_out_of_range, plist.invalid_real, plist.invalid_date, plist.invalid_data.
ReadResult read_xml(std::string_view bytes, const ReadLimits& limits = {});

/// JSON form of a plist value: dates as RFC 3339 strings, data as Base64 strings.
nlohmann::json to_json(const Value& value);

}  // namespace acmepolicy::plist
