// The validation document (document.hpp): a strict reader of JSON text for the common case, and a mirror
// of an nlohmann value for callers that parsed the JSON themselves.
// One file on purpose: the reader, the builder and the pool they fill share one node layout and are tuned
// together (bench_validate counts instructions per validation); apart they would need a header of internals.
//
// The reader accepts a subset of what read_json accepts and reads it to the same values (integers signed
// and unsigned as nlohmann types them, floats through strtod as nlohmann does). Whatever falls outside the
// subset (syntax errors, limits, duplicate keys, rare spellings) is left to read_json, so every reader
// diagnostic keeps its one implementation.
#include "validation/document.hpp"

#include <algorithm>
#include <utility>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "validation/scan.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

// Byte classes of string scanning: what ends the plain run of a string.
enum : std::uint8_t { kPlainByte = 0, kQuote, kBackslash, kControl, kHigh, kBrace };

struct ByteClasses {
    std::uint8_t of[256];
    bool space[256];  // JSON's white space
    constexpr ByteClasses() : of(), space() {
        for (int c = 0; c < 256; ++c) {
            of[c] = c < 0x20 ? kControl : c >= 0x80 ? kHigh : c == '"' ? kQuote : c == '\\' ? kBackslash
                  : (c == '{' || c == '}') ? kBrace : kPlainByte;
            space[c] = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        }
    }
};
constexpr ByteClasses kBytes;

// std::string's order (bytes compared unsigned, then length), inline: keys are short, and a call to
// memcmp per comparison costs more than the comparison.
inline bool key_less(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    return a.size() < b.size();
}

// Heapsort: O(n log n) for the large objects a hostile document may hold, in a fraction of std::sort's
// code (the wasm module has a size budget).
template <typename Less>
void heap_sort(JsonMember* begin, JsonMember* end, Less less) noexcept {
    const std::size_t n = static_cast<std::size_t>(end - begin);
    const auto sift_down = [&](std::size_t root, std::size_t size) {
        while (true) {
            std::size_t child = 2 * root + 1;
            if (child >= size) return;
            if (child + 1 < size && less(begin[child], begin[child + 1])) ++child;
            if (!less(begin[root], begin[child])) return;
            std::swap(begin[root], begin[child]);
            root = child;
        }
    };
    for (std::size_t i = n / 2; i-- > 0;) sift_down(i, n);
    for (std::size_t size = n; size-- > 1;) {
        std::swap(begin[0], begin[size]);
        sift_down(0, size);
    }
}

// Sorts members by key: insertion sort for the few members of a policy's objects, heapsort beyond.
void sort_by_key(JsonMember* begin, JsonMember* end) noexcept {
    const auto less = [](const JsonMember& a, const JsonMember& b) { return key_less(a.key, b.key); };
    if (end - begin < 2) return;
    if (end - begin > 16) {
        heap_sort(begin, end, less);
        return;
    }
    for (JsonMember* it = begin + 1; it < end; ++it) {
        if (!less(*it, *(it - 1))) continue;
        const JsonMember moving = *it;
        JsonMember* j = it;
        for (; j != begin && less(moving, *(j - 1)); --j) *j = *(j - 1);
        *j = moving;
    }
}

}  // namespace

std::uint8_t text_flags(std::string_view text) noexcept {
    std::uint8_t flags = kTextPlain;
    for (char c : text) {
        const std::uint8_t cls = kBytes.of[static_cast<unsigned char>(c)];
        if (cls == kBrace) flags |= kTextBraces;
        else if (cls == kControl || cls == kHigh) flags &= static_cast<std::uint8_t>(~kTextPlain);
    }
    return flags;
}

// The flags of a container from those of its members (see TextFlags).
template <typename Nodes>
std::uint8_t summary_flags(const Nodes& nodes, const JsonMember* members, std::size_t count) noexcept {
    std::uint8_t plain = kTextPlain;
    std::uint8_t braces = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t child = nodes[members[i].node].flags;
        plain &= child & members[i].key_flags;
        braces |= child & kTextBraces;
    }
    return static_cast<std::uint8_t>(plain | braces);
}

// A small hash of a key for the duplicate filter of small objects: length and three bytes.
inline unsigned key_bucket(std::string_view key) noexcept {
    if (key.empty()) return 0;
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(key[i])); };
    const std::uint32_t mixed = static_cast<std::uint32_t>(key.size()) ^ (byte(0) << 8) ^
                                (byte(key.size() / 2) << 16) ^ (byte(key.size() - 1) << 24);
    return (mixed * 0x9E3779B1U) >> 26;  // 0..63
}

// Objects with at most this many members are checked for duplicates while they are read (a 64-bit filter
// of key hashes, comparing keys only when it says "maybe"); larger ones are sorted and checked when closed.
constexpr std::size_t kFewMembers = 16;

class TextReader {
public:
    TextReader(std::string_view text, const JsonLimits& limits, Document& document)
        : p_(text.data()), end_(text.data() + text.size()), text_size_(text.size()), limits_(limits),
          document_(document) {}

    bool read() {
        std::uint8_t flags = 0;
        if (!value(0, flags)) return false;
        skip_space();
        return p_ == end_;
    }

private:
    void skip_space() noexcept {
        // Most places hold no white space at all: one test. Indentation goes a block at a time.
        while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ') {
            if (*p_ == ' ') p_ = scan::space_run(p_ + 1, end_);
            else if (kBytes.space[static_cast<unsigned char>(*p_)]) ++p_;
            else return;  // a control character: the caller refuses it
        }
    }

    enum class After { next, closed, malformed };

    // What follows a member or an element: ',' (another one), `close` (the container ends) or anything
    // else (malformed). Consumes the separator.
    After after_item(char close) noexcept {
        if (p_ == end_ || (*p_ != ',' && *p_ != close)) skip_space();
        if (p_ == end_) return After::malformed;
        const char c = *p_++;
        if (c == ',') return After::next;
        return c == close ? After::closed : After::malformed;
    }

    std::uint32_t add(JsonKind kind) {
        document_.nodes_.emplace().kind = kind;
        return static_cast<std::uint32_t>(document_.nodes_.size() - 1);
    }

    // The value at p_ (after white space); `flags` gets its TextFlags.
    bool value(std::size_t depth, std::uint8_t& flags) {
        skip_space();
        if (p_ == end_) return false;
        if (*p_ == '"') return string_node(flags);
        flags = kTextPlain;
        switch (*p_) {
            case '{': return object(depth, flags);
            case '[': return array(depth, flags);
            case 't': return literal("true", 4, JsonKind::boolean, true);
            case 'f': return literal("false", 5, JsonKind::boolean, false);
            case 'n': return literal("null", 4, JsonKind::null, false);
            default: return number();
        }
    }

    bool string_node(std::uint8_t& flags) {
        std::string_view text;
        if (!string(text, flags)) return false;
        JsonNode node;
        node.kind = JsonKind::string;
        node.flags = flags;
        node.text = text;
        document_.nodes_.push(node);
        return true;
    }

    bool literal(const char* word, std::size_t length, JsonKind kind, bool flag) {
        if (static_cast<std::size_t>(end_ - p_) < length) return false;
        for (std::size_t i = 0; i < length; ++i)
            if (p_[i] != word[i]) return false;
        p_ += length;
        document_.nodes_[add(kind)].boolean = flag;
        return true;
    }

    bool number() {
        const char* start = p_;
        const bool negative = *p_ == '-';
        if (negative) ++p_;
        if (p_ == end_) return false;
        std::uint64_t magnitude = 0;
        std::size_t digits = 0;
        if (*p_ == '0') {
            ++p_;
            digits = 1;
        } else if (*p_ >= '1' && *p_ <= '9') {
            while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
                magnitude = magnitude * 10 + static_cast<std::uint64_t>(*p_ - '0');
                ++p_;
                ++digits;
            }
        } else {
            return false;
        }
        bool floating = false;
        if (p_ != end_ && *p_ == '.') {
            floating = true;
            ++p_;
            if (!skip_digits()) return false;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            floating = true;
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!skip_digits()) return false;
        }
        if (floating) return floating_point(start);
        // 18 digits never overflow 64 bits; longer integers (and their overflow to floats) are read_json's.
        if (digits > 18) return false;
        JsonNode& node = document_.nodes_[add(negative ? JsonKind::integer : JsonKind::unsigned_integer)];
        if (negative) node.integer = -static_cast<std::int64_t>(magnitude);
        else node.unsigned_integer = magnitude;
        return true;
    }

    bool skip_digits() noexcept {
        const char* first = p_;
        while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        return p_ != first;
    }

    bool floating_point(const char* start) {
        // nlohmann hands the token to strtod with the locale's decimal point; only "." is read here.
        const std::size_t length = static_cast<std::size_t>(p_ - start);
        char buffer[64];
        if (length >= sizeof buffer || std::localeconv()->decimal_point[0] != '.' ||
            std::localeconv()->decimal_point[1] != '\0')
            return false;
        std::memcpy(buffer, start, length);
        buffer[length] = '\0';
        const double v = std::strtod(buffer, nullptr);
        if (!std::isfinite(v)) return false;  // nlohmann: "number overflow"
        document_.nodes_[add(JsonKind::floating)].floating = v;
        return true;
    }

    // A string at p_ (the opening quote); `out` views the text, or the owned buffer when it has escapes.
    // The common string (plain ASCII, no escape) stays in this short path; the rest goes on in string_rest.
    bool string(std::string_view& out, std::uint8_t& flags) {
        const char* start = ++p_;
        bool braces = false;
        const char* stop = scan::string_run(start, end_, true, braces);
        if (stop != end_ && *stop == '"') {
            p_ = stop + 1;
            out = std::string_view(start, static_cast<std::size_t>(stop - start));
            flags = braces ? kTextPlain | kTextBraces : kTextPlain;
            return out.size() <= limits_.max_string_bytes;
        }
        return string_rest(start, stop, braces, out, flags);
    }

    // A string whose plain run from `start` ended at `stop` on something other than its closing quote.
    __attribute__((noinline)) bool string_rest(const char* start, const char* stop, bool braces, std::string_view& out,
                                               std::uint8_t& flags) {
        p_ = stop;
        flags = kTextPlain;
        bool stop_high = true;  // a byte above 0x7F matters only until the first one has cleared kTextPlain
        while (true) {
            if (p_ == end_) return false;
            const std::uint8_t cls = kBytes.of[static_cast<unsigned char>(*p_)];
            if (cls == kQuote) break;
            if (braces) flags |= kTextBraces;
            if (cls == kBackslash) return escaped_string(start, flags, out);
            if (cls == kControl) return false;
            flags &= static_cast<std::uint8_t>(~kTextPlain);  // kHigh
            stop_high = false;
            p_ = scan::string_run(p_ + 1, end_, stop_high, braces);
        }
        if (braces) flags |= kTextBraces;
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return finish_string(out, flags);
    }

    bool escaped_string(const char* start, std::uint8_t& flags, std::string_view& out) {
        std::string& owned = document_.owned_;
        // Unescaped strings are never longer than the text, so this one reservation keeps views valid.
        if (owned.capacity() < text_size_) owned.reserve(text_size_);
        const std::size_t offset = owned.size();
        owned.append(start, static_cast<std::size_t>(p_ - start));
        while (true) {
            if (p_ == end_) return false;
            const auto c = static_cast<unsigned char>(*p_);
            const std::uint8_t cls = kBytes.of[c];
            if (cls == kQuote) break;
            if (cls == kControl) return false;
            if (cls == kHigh) flags &= static_cast<std::uint8_t>(~kTextPlain);
            else if (cls == kBrace) flags |= kTextBraces;
            if (cls != kBackslash) {
                owned.push_back(static_cast<char>(c));
                ++p_;
                continue;
            }
            if (++p_ == end_) return false;
            char e = 0;
            switch (*p_) {
                case '"': e = '"'; break;
                case '\\': e = '\\'; break;
                case '/': e = '/'; break;
                case 'b': e = '\b'; break;
                case 'f': e = '\f'; break;
                case 'n': e = '\n'; break;
                case 'r': e = '\r'; break;
                case 't': e = '\t'; break;
                default: return false;  // \u escapes (and errors) are read_json's
            }
            if (static_cast<unsigned char>(e) < 0x20) flags &= static_cast<std::uint8_t>(~kTextPlain);
            owned.push_back(e);
            ++p_;
        }
        ++p_;
        out = std::string_view(owned.data() + offset, owned.size() - offset);
        return finish_string(out, flags);
    }

    bool finish_string(std::string_view text, std::uint8_t flags) const noexcept {
        if (text.size() > limits_.max_string_bytes) return false;
        return (flags & kTextPlain) || is_valid_utf8(text);  // nlohmann refuses ill-formed UTF-8
    }

    // True when one of the members of the object being read (from scratch_[mark]) is called `key`.
    bool has_member(std::size_t mark, std::string_view key) const noexcept {
        for (std::size_t i = mark; i < scratch_.size(); ++i) {
            const std::string_view other = scratch_[i].key;
            if (scan::same_text(other, key)) return true;
        }
        return false;
    }

    // The container's summary flags (TextFlags) are gathered member by member as they are read.
    bool object(std::size_t depth, std::uint8_t& flags) {
        if (depth >= limits_.max_depth) return false;
        const std::uint32_t index = add(JsonKind::object);
        ++p_;
        const std::size_t mark = scratch_.size();
        std::uint8_t plain = kTextPlain;
        std::uint8_t braces = 0;
        bool sorted = true;
        std::uint64_t seen = 0;  // key_bucket bits of the first kFewMembers keys
        skip_space();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
        } else {
            while (true) {
                skip_space();
                if (p_ == end_ || *p_ != '"') return false;
                std::string_view key;
                std::uint8_t key_flags = 0;
                if (!string(key, key_flags)) return false;
                const std::size_t count = scratch_.size() - mark;
                if (count < kFewMembers) {
                    const std::uint64_t bit = std::uint64_t{1} << key_bucket(key);
                    if ((seen & bit) != 0 && has_member(mark, key)) return false;  // duplicate keys: read_json's
                    seen |= bit;
                    if (count != 0 && key_less(key, scratch_[scratch_.size() - 1].key)) sorted = false;
                }
                if (p_ == end_ || *p_ != ':') {  // pretty-printed or not, a colon follows the key at once
                    skip_space();
                    if (p_ == end_ || *p_ != ':') return false;
                }
                ++p_;
                const auto node = static_cast<std::uint32_t>(document_.nodes_.size());
                std::uint8_t child = 0;
                if (p_ != end_ && *p_ == ' ') ++p_;  // "key": value
                // Strings, the most common members, without the call through value().
                if (p_ != end_ && *p_ == '"' ? !string_node(child) : !value(depth + 1, child)) return false;
                plain &= child & key_flags;
                braces |= child & kTextBraces;
                scratch_.push(JsonMember{key, node, key_flags});
                const After next = after_item('}');
                if (next == After::malformed) return false;
                if (next == After::closed) break;
            }
        }
        flags = static_cast<std::uint8_t>(plain | braces);
        return close(index, mark, true, flags, sorted);
    }

    bool array(std::size_t depth, std::uint8_t& flags) {
        if (depth >= limits_.max_depth) return false;
        const std::uint32_t index = add(JsonKind::array);
        ++p_;
        const std::size_t mark = scratch_.size();
        std::uint8_t plain = kTextPlain;
        std::uint8_t braces = 0;
        skip_space();
        if (p_ != end_ && *p_ == ']') {
            ++p_;
        } else {
            while (true) {
                const auto node = static_cast<std::uint32_t>(document_.nodes_.size());
                std::uint8_t child = 0;
                if (p_ != end_ && *p_ == '"' ? !string_node(child) : !value(depth + 1, child)) return false;
                plain &= child;
                braces |= child & kTextBraces;
                scratch_.push(JsonMember{std::string_view(), node, kTextPlain});
                const After next = after_item(']');
                if (next == After::malformed) return false;
                if (next == After::closed) break;
            }
        }
        flags = static_cast<std::uint8_t>(plain | braces);
        return close(index, mark, false, flags, true);
    }

    // Moves a container's children from the scratch stack into the document. Small objects were checked
    // for duplicates while read (their sorting waits until an iteration needs it, which a clean document
    // never does); large ones are sorted and checked here.
    bool close(std::uint32_t index, std::size_t mark, bool is_object, std::uint8_t flags, bool sorted) {
        auto& members = document_.members_;
        const std::size_t count = scratch_.size() - mark;
        const std::size_t first = members.append(scratch_.data() + mark, count);
        scratch_.truncate(mark);
        if (is_object && count > kFewMembers) {
            JsonMember* begin = members.data() + first;
            JsonMember* end = begin + count;
            sort_by_key(begin, end);
            for (JsonMember* it = begin + 1; it != end; ++it)
                if (it->key == (it - 1)->key) return false;  // duplicate keys: read_json reports them
            sorted = true;
        }
        if (!sorted) document_.has_unsorted_ = true;
        JsonNode& node = document_.nodes_[index];
        node.first = static_cast<std::uint32_t>(first);
        node.count = static_cast<std::uint32_t>(count);
        node.flags = flags;
        node.sorted = sorted;
        return true;
    }

    const char* p_;
    const char* end_;
    std::size_t text_size_;
    const JsonLimits& limits_;
    Document& document_;
    Pool<JsonMember, 32> scratch_;  // the members of the containers being read, innermost last
};

class DocumentBuilder {
public:
    explicit DocumentBuilder(Document& document) : document_(document) {}

    // Adds `value` and everything below it; returns its node index.
    std::uint32_t add(const nlohmann::json& value) {
        using nlohmann::json;
        document_.nodes_.emplace();
        const auto index = static_cast<std::uint32_t>(document_.nodes_.size() - 1);
        JsonNode node;
        switch (value.type()) {
            case json::value_t::null: node.kind = JsonKind::null; break;
            case json::value_t::boolean:
                node.kind = JsonKind::boolean;
                node.boolean = value.get<bool>();
                break;
            case json::value_t::number_integer:
                node.kind = JsonKind::integer;
                node.integer = value.get<std::int64_t>();
                break;
            case json::value_t::number_unsigned:
                node.kind = JsonKind::unsigned_integer;
                node.unsigned_integer = value.get<std::uint64_t>();
                break;
            case json::value_t::number_float:
                node.kind = JsonKind::floating;
                node.floating = value.get<double>();
                break;
            case json::value_t::string:
                node.kind = JsonKind::string;
                node.text = value.get_ref<const std::string&>();
                node.flags = text_flags(node.text);
                break;
            case json::value_t::array:
            case json::value_t::object: {
                const bool is_object = value.is_object();
                node.kind = is_object ? JsonKind::object : JsonKind::array;
                // std::map already keeps an object's members sorted by key.
                std::vector<JsonMember> children;
                children.reserve(value.size());
                for (auto it = value.begin(); it != value.end(); ++it)
                    children.push_back(is_object ? JsonMember{it.key(), add(it.value()), text_flags(it.key())}
                                                 : JsonMember{std::string_view(), add(it.value()), kTextPlain});
                node.first = static_cast<std::uint32_t>(document_.members_.append(children.data(), children.size()));
                node.count = static_cast<std::uint32_t>(children.size());
                node.flags = summary_flags(document_.nodes_, children.data(), children.size());
                break;
            }
            default: node.kind = JsonKind::unsupported; break;
        }
        document_.nodes_[index] = node;
        return index;
    }

private:
    Document& document_;
};

bool Document::read(std::string_view text, const JsonLimits& limits) {
    nodes_.clear();
    members_.clear();
    owned_.clear();
    sorted_iteration_ = false;
    has_unsorted_ = false;
    if (text.size() > limits.max_document_bytes) return false;
    // No reservation: the pools' inline room holds a policy-sized document, and they double past it.
    TextReader reader(text, limits, *this);
    if (reader.read()) return true;
    nodes_.clear();
    members_.clear();
    return false;
}

void Document::assign(const nlohmann::json& value) {
    nodes_.clear();
    members_.clear();
    owned_.clear();
    sorted_iteration_ = true;
    has_unsorted_ = false;
    DocumentBuilder(*this).add(value);
}

void Document::sort_members(const JsonNode& node) const noexcept {
    sort_by_key(members_.data() + node.first, members_.data() + node.first + node.count);
    const_cast<JsonNode&>(node).sorted = true;
}

JsonValue JsonValue::find(std::string_view key) const noexcept {
    const JsonMember* first = document_->members_.data() + node_->first;
    const JsonMember* last = first + node_->count;
    if (node_->count <= 16) {
        // A policy's objects are small: comparing lengths first rules out nearly every member at once.
        for (const JsonMember* m = first; m != last; ++m)
            if (scan::same_text(m->key, key))
                return JsonValue(document_, &document_->nodes_[m->node]);
        return JsonValue();
    }
    const JsonMember* it =
        std::lower_bound(first, last, key, [](const JsonMember& m, std::string_view k) { return m.key < k; });
    if (it == last || it->key != key) return JsonValue();
    return JsonValue(document_, &document_->nodes_[it->node]);
}

double JsonValue::number() const noexcept {
    switch (node_->kind) {
        case JsonKind::integer: return static_cast<double>(node_->integer);
        case JsonKind::unsigned_integer: return static_cast<double>(node_->unsigned_integer);
        case JsonKind::floating: return node_->floating;
        default: return 0;
    }
}

std::string JsonValue::dump_number() const {
    switch (node_->kind) {
        case JsonKind::integer: return nlohmann::json(node_->integer).dump();
        case JsonKind::unsigned_integer: return nlohmann::json(node_->unsigned_integer).dump();
        case JsonKind::floating: return nlohmann::json(node_->floating).dump();
        default: return std::string();
    }
}

const char* json_type_words(const JsonValue& value) noexcept {
    switch (value.kind()) {
        case JsonKind::null: return "null";
        case JsonKind::object: return "an object";
        case JsonKind::array: return "an array";
        case JsonKind::string: return "a string";
        case JsonKind::boolean: return "a boolean";
        case JsonKind::integer:
        case JsonKind::unsigned_integer: return "an integer";
        case JsonKind::floating: return "a number with a fraction";
        default: return "an unsupported value";
    }
}

}  // namespace acmepolicy::validation
