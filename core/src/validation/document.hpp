// The policy document as validation reads it: a compact, read-only JSON tree whose strings point into the
// JSON text (or into one buffer for unescaped strings), so reading a clean document costs a few
// allocations in all instead of one per node.
//
// Object members come in the order of the text, or sorted by key (the order the rules have always
// reported findings in) once the document is asked for that: an object is then sorted the first time it
// is iterated. Which order a check walks in changes only the order of its findings, so a check that finds
// fewer than two things need not sort anything (see check_policy.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "acmepolicy/json_reader.hpp"

namespace acmepolicy::validation {

class Document;

/// A growable array of trivially copyable values that constructs only the slots it hands out (a vector
/// value-initialises everything it is resized to); the first `Inline` live inside it, so a policy-sized
/// document needs no allocation; grows by doubling.
template <typename T, std::size_t Inline>
class Pool {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    Pool() = default;
    ~Pool() { release(); }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T& operator[](std::size_t index) const noexcept { return data_[index]; }
    void clear() noexcept { size_ = 0; }
    /// Drops the elements from `size` on.
    void truncate(std::size_t size) noexcept { size_ = size; }
    void reserve(std::size_t capacity) {
        if (capacity > capacity_) regrow(capacity);
    }
    /// A new default-constructed element at the end.
    T& emplace() {
        if (size_ == capacity_) regrow(capacity_ * 2 + 16);
        return *new (data_ + size_++) T();
    }
    /// Copies `value` to the end (one copy, where emplace() would first default-construct).
    void push(const T& value) {
        if (size_ == capacity_) regrow(capacity_ * 2 + 16);
        new (data_ + size_++) T(value);
    }
    /// Copies `count` elements to the end; returns where they start.
    std::size_t append(const T* from, std::size_t count) {
        reserve(size_ + count);
        const std::size_t at = size_;
        if (count != 0) std::memcpy(static_cast<void*>(data_ + at), from, count * sizeof(T));
        size_ += count;
        return at;
    }

private:
    void regrow(std::size_t capacity) {
        T* fresh = static_cast<T*>(::operator new(capacity * sizeof(T)));
        if (size_ != 0) std::memcpy(static_cast<void*>(fresh), data_, size_ * sizeof(T));
        release();
        data_ = fresh;
        capacity_ = capacity;
    }
    void release() noexcept {
        if (data_ != reinterpret_cast<T*>(inline_)) ::operator delete(data_);
    }

    alignas(T) unsigned char inline_[Inline * sizeof(T)];
    T* data_ = reinterpret_cast<T*>(inline_);
    std::size_t size_ = 0;
    std::size_t capacity_ = Inline;
};

// `unsupported` stands for what only a hand-built nlohmann value can hold (binary, discarded).
enum class JsonKind : std::uint8_t { null, boolean, integer, unsigned_integer, floating, string, array, object, unsupported };

/// What a string (value or key) holds, found while reading it, so rules can skip whole scans. A
/// container's flags sum up everything below it: plain when every key and string below is, braces when
/// any string value below has one.
enum TextFlags : std::uint8_t {
    kTextPlain = 1,   // printable ASCII only (0x20-0x7F): valid UTF-8 that XML carries as it is
    kTextBraces = 2,  // holds '{' or '}' (variable syntax needs them)
};

/// The flags of `text`, computed by a scan (what the reader finds on the way).
std::uint8_t text_flags(std::string_view text) noexcept;

struct JsonNode {
    JsonKind kind = JsonKind::null;
    bool boolean = false;
    std::uint8_t flags = kTextPlain;  // TextFlags: of the string, or of everything below a container
    bool sorted = true;               // objects: members sorted by key
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
    /// Printable ASCII only / holds a brace: the string, or every key and string below a container (TextFlags).
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

    /// Children in order: array order; objects in text order, or sorted by key when the document says so.
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
        return nodes_.empty() ? JsonValue() : JsonValue(this, &nodes_[0]);
    }

    /// Reads `text` when it is plainly valid JSON within `limits`: no duplicate key, no over-long string,
    /// no \u escape, no byte-order mark, no integer beyond 18 digits. Anything else returns false, and the
    /// caller reads the text with read_json, whose diagnostics are the contract.
    bool read(std::string_view text, const JsonLimits& limits);

    /// Mirrors an nlohmann value; the document points into `value`'s strings, so `value` must outlive it.
    void assign(const nlohmann::json& value);

    /// Whether children() lists object members sorted by key (objects not yet sorted are then sorted on
    /// their first iteration). Off after read(); assign() keeps nlohmann's order, which is sorted.
    void set_sorted_iteration(bool sorted) noexcept { sorted_iteration_ = sorted; }
    /// True when some object's members are not in key order yet.
    bool has_unsorted_objects() const noexcept { return has_unsorted_; }

private:
    friend class JsonValue;
    friend class DocumentBuilder;
    friend class TextReader;
    void sort_members(const JsonNode& node) const noexcept;

    // Mutable: sorting an object's members on demand changes their order, not the document.
    // Room for a typical policy (about 50 values) without allocating.
    mutable Pool<JsonNode, 64> nodes_;
    mutable Pool<JsonMember, 64> members_;
    bool sorted_iteration_ = false;
    bool has_unsorted_ = false;
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
    if (!node_->sorted && document_->sorted_iteration_) document_->sort_members(*node_);
    const JsonMember* first = document_->members_.data() + node_->first;
    return Range(Iterator(document_, first), Iterator(document_, first + node_->count));
}

/// The JSON type of a value in words, for messages ("a string", "an integer", ...).
const char* json_type_words(const JsonValue& value) noexcept;

}  // namespace acmepolicy::validation
