// The policy document as validation reads it: a compact, read-only JSON tree whose strings point into the
// JSON text (or into one buffer for unescaped strings), so reading a clean document costs a few
// allocations in all instead of one per node. Objects list their members sorted by key, the order the
// rules have always reported them in; lookups are binary searches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/json_reader.hpp"

namespace acmepolicy::validation {

class Document;

// `unsupported` stands for what only a hand-built nlohmann value can hold (binary, discarded).
enum class JsonKind : std::uint8_t { null, boolean, integer, unsigned_integer, floating, string, array, object, unsupported };

/// What a string (value or key) holds, found while reading it, so rules can skip whole scans.
enum TextFlags : std::uint8_t {
    kTextPlain = 1,   // printable ASCII only (0x20-0x7F): valid UTF-8 that XML carries as it is
    kTextBraces = 2,  // holds '{' or '}' (variable syntax needs them)
};

/// The flags of `text`, computed by a scan (what the reader finds on the way).
std::uint8_t text_flags(std::string_view text) noexcept;

struct JsonNode {
    JsonKind kind = JsonKind::null;
    bool boolean = false;
    std::uint8_t flags = 0;   // strings: TextFlags
    std::uint32_t count = 0;  // containers: number of children
    std::uint32_t first = 0;  // containers: index of the first child in Document::members_
    std::string_view text;    // strings
    union {
        std::int64_t integer;
        std::uint64_t unsigned_integer;
        double floating = 0;
    };
};

struct JsonMember {
    std::string_view key;  // objects only
    std::uint32_t node = 0;
    std::uint8_t key_flags = 0;  // TextFlags of the key
};

/// A handle on one value of a Document (cheap to copy). A default handle (or a failed find) is absent.
class JsonValue {
public:
    JsonValue() = default;
    JsonValue(const Document* document, const JsonNode* node) : document_(document), node_(node) {}

    explicit operator bool() const noexcept { return node_ != nullptr; }
    JsonKind kind() const noexcept { return node_->kind; }
    bool is_null() const noexcept { return node_->kind == JsonKind::null; }
    bool is_object() const noexcept { return node_->kind == JsonKind::object; }
    bool is_array() const noexcept { return node_->kind == JsonKind::array; }
    bool is_string() const noexcept { return node_->kind == JsonKind::string; }
    bool is_boolean() const noexcept { return node_->kind == JsonKind::boolean; }
    /// Signed or unsigned integers, as nlohmann::json counts them.
    bool is_number_integer() const noexcept {
        return node_->kind == JsonKind::integer || node_->kind == JsonKind::unsigned_integer;
    }
    bool is_number_unsigned() const noexcept { return node_->kind == JsonKind::unsigned_integer; }
    bool is_number_float() const noexcept { return node_->kind == JsonKind::floating; }
    bool is_number() const noexcept { return is_number_integer() || is_number_float(); }

    std::string_view str() const noexcept { return node_->text; }
    /// Strings: printable ASCII only / holds a brace (see TextFlags).
    bool is_plain() const noexcept { return (node_->flags & kTextPlain) != 0; }
    bool has_braces() const noexcept { return (node_->flags & kTextBraces) != 0; }
    bool boolean() const noexcept { return node_->boolean; }
    std::int64_t integer() const noexcept { return node_->integer; }
    std::uint64_t unsigned_integer() const noexcept { return node_->unsigned_integer; }
    /// Any number as a double (nlohmann's get<double>).
    double number() const noexcept;
    /// A number as nlohmann::json writes it (for messages that quote it).
    std::string dump_number() const;

    /// Containers: the number of children.
    std::size_t size() const noexcept { return node_->count; }
    bool empty() const noexcept { return node_->count == 0; }
    /// Arrays: the element at `index` (< size()).
    JsonValue operator[](std::size_t index) const noexcept;
    /// Objects: the member called `key`, or an absent handle.
    JsonValue find(std::string_view key) const noexcept;
    bool contains(std::string_view key) const noexcept { return static_cast<bool>(find(key)); }

    /// Children in order (array order; objects sorted by key).
    class Iterator;
    class Range;
    Range children() const noexcept;

private:
    const Document* document_ = nullptr;
    const JsonNode* node_ = nullptr;
};

class Document {
public:
    /// The root value (absent when nothing was read).
    JsonValue root() const noexcept {
        return nodes_.empty() ? JsonValue() : JsonValue(this, &nodes_.front());
    }

    /// Reads `text` when it is plainly valid JSON within `limits`: no duplicate key, no over-long string,
    /// no \u escape, no byte-order mark, no integer beyond 18 digits. Anything else returns false, and the
    /// caller reads the text with read_json, whose diagnostics are the contract.
    bool read(std::string_view text, const JsonLimits& limits);

    /// Mirrors an nlohmann value; the document points into `value`'s strings, so `value` must outlive it.
    void assign(const nlohmann::json& value);

private:
    friend class JsonValue;
    friend class DocumentBuilder;
    friend class TextReader;
    std::vector<JsonNode> nodes_;
    std::vector<JsonMember> members_;
    std::string owned_;  // unescaped strings (capacity reserved up front, so views stay put)
};

class JsonValue::Iterator {
public:
    Iterator(const Document* document, const JsonMember* member) : document_(document), member_(member) {}
    std::string_view key() const noexcept { return member_->key; }
    bool key_is_plain() const noexcept { return (member_->key_flags & kTextPlain) != 0; }
    JsonValue value() const noexcept { return JsonValue(document_, &document_->nodes_[member_->node]); }
    const Iterator& operator*() const noexcept { return *this; }
    Iterator& operator++() noexcept {
        ++member_;
        return *this;
    }
    bool operator!=(const Iterator& other) const noexcept { return member_ != other.member_; }

private:
    const Document* document_;
    const JsonMember* member_;
};

class JsonValue::Range {
public:
    Range(Iterator begin, Iterator end) : begin_(begin), end_(end) {}
    Iterator begin() const noexcept { return begin_; }
    Iterator end() const noexcept { return end_; }

private:
    Iterator begin_;
    Iterator end_;
};

inline JsonValue JsonValue::operator[](std::size_t index) const noexcept {
    return JsonValue(document_, &document_->nodes_[document_->members_[node_->first + index].node]);
}

inline JsonValue::Range JsonValue::children() const noexcept {
    const JsonMember* first = document_->members_.data() + node_->first;
    return Range(Iterator(document_, first), Iterator(document_, first + node_->count));
}

/// The JSON type of a value in words, for messages ("a string", "an integer", ...).
const char* json_type_words(const JsonValue& value) noexcept;

}  // namespace acmepolicy::validation
