// The strict XML plist reader for untrusted bytes: hand-written, iterative (an explicit stack, so nesting
// depth costs heap, never C++ stack), bounded by ReadLimits, stopping at the first problem it finds.
// One class in one file on purpose: the reader is a single state machine over one cursor and one stack,
// and its sections (scanning, prolog, elements, scalars, tree) read that state directly.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_set>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "plist/xml_text.hpp"

namespace acmepolicy::plist {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':' || c == '.';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

/// Signals the first problem; the reader records a diagnostic before throwing it and catches it at the top.
struct Stop {};

class Reader {
public:
    Reader(std::string_view in, const ReadLimits& limits, Report& report)
        : in_(in), limits_(limits), report_(report) {}

    std::optional<Value> run() {
        try {
            check_size_and_characters();
            prolog();
            root();
            epilog();
            return std::move(root_);
        } catch (const Stop&) {
            return std::nullopt;
        }
    }

private:
    struct Frame {
        bool is_dict = false;
        Value value;
        std::string path;
        std::optional<std::string> pending_key;
        std::unordered_set<std::string> keys;
        std::size_t count = 0;
    };

    // ---- diagnostics ----------------------------------------------------------------------------------

    [[noreturn]] void fail(const char* code, const std::string& message) { fail_at(code, current_path(), message); }

    [[noreturn]] void fail_at(const char* code, const std::string& path, const std::string& message) {
        std::size_t line = 1;
        for (std::size_t i = 0; i < pos_ && i < in_.size(); ++i)
            if (in_[i] == '\n') ++line;
        report_.error(code, path, "Line " + std::to_string(line) + ": " + message);
        throw Stop{};
    }

    /// The JSON pointer of the value about to be read (the container itself when no key is pending).
    std::string current_path() const {
        if (stack_.empty()) return "";
        const Frame& top = stack_.back();
        if (top.is_dict) return top.pending_key ? json_pointer_append(top.path, *top.pending_key) : top.path;
        return json_pointer_append(top.path, top.count);
    }

    // ---- low-level scanning -------------------------------------------------------------------------

    bool at_end() const { return pos_ >= in_.size(); }
    bool starts(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }
    void skip_space() {
        while (!at_end() && is_space(in_[pos_])) ++pos_;
    }

    void check_size_and_characters() {
        if (in_.size() > limits_.max_document_bytes)
            fail("plist.too_large", "The document has " + std::to_string(in_.size()) + " bytes; at most " +
                                        std::to_string(limits_.max_document_bytes) + " are accepted.");
        if (in_.size() >= 3 && in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte-order mark
        std::size_t p = pos_;
        while (p < in_.size()) {
            // Printable ASCII, tab, LF and CR are XML characters: skip them without decoding.
            const auto b = static_cast<unsigned char>(in_[p]);
            if ((b >= 0x20 && b < 0x80) || b == '\t' || b == '\n' || b == '\r') {
                ++p;
                continue;
            }
            const std::size_t start = p;
            const std::int32_t c = detail::decode_utf8(in_, p);
            if (c < 0) {
                pos_ = start;
                fail("plist.invalid_utf8", "The bytes at offset " + std::to_string(start) +
                                               " are not valid UTF-8; send the plist encoded as UTF-8.");
            }
            if (!detail::is_xml_char(c)) {
                pos_ = start;
                fail("plist.invalid_character", "The document contains a control character (U+" +
                                                    hex4(static_cast<std::uint32_t>(c)) +
                                                    ") that XML does not allow; remove it.");
            }
        }
    }

    static std::string hex4(std::uint32_t c) {
        static const char digits[] = "0123456789ABCDEF";
        std::string out;
        for (int shift = 12; shift >= 0; shift -= 4) out += digits[(c >> shift) & 15];
        return out;
    }

    void skip_comment() {  // at "<!--"
        const std::size_t end = in_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) fail("plist.malformed", "A comment \"<!--\" is never closed with \"-->\".");
        if (in_.substr(pos_ + 4, end - pos_ - 4).find("--") != std::string_view::npos)
            fail("plist.malformed", "A comment contains \"--\", which XML does not allow.");
        pos_ = end + 3;
    }

    std::string_view read_name() {
        const std::size_t start = pos_;
        while (!at_end() && is_name_char(in_[pos_])) ++pos_;
        if (pos_ == start) fail("plist.malformed", "A tag has no element name after \"<\".");
        return in_.substr(start, pos_ - start);
    }

    // ---- prolog and epilog ----------------------------------------------------------------------------

    void prolog() {
        if (starts("<?xml") && pos_ + 5 < in_.size() && is_space(in_[pos_ + 5])) xml_declaration();
        bool seen_doctype = false;
        while (true) {
            skip_space();
            if (at_end()) fail("plist.malformed", "The document ends before its <plist> element.");
            if (starts("<!--")) {
                skip_comment();
            } else if (starts("<!DOCTYPE")) {
                if (seen_doctype) fail("plist.doctype", "The document has more than one DOCTYPE declaration.");
                seen_doctype = true;
                doctype();
            } else if (starts("<!ENTITY")) {
                fail("plist.entity_declaration", "Entity declarations are not accepted; remove the <!ENTITY>.");
            } else if (starts("<?")) {
                fail("plist.processing_instruction",
                     "Processing instructions other than the leading <?xml ...?> are not accepted.");
            } else if (starts("<")) {
                return;
            } else {
                fail("plist.unexpected_text", "Text appears before the <plist> element; remove it.");
            }
        }
    }

    void xml_declaration() {
        const std::size_t end = in_.find("?>", pos_);
        if (end == std::string_view::npos) fail("plist.malformed", "The <?xml declaration is never closed.");
        const std::string_view decl = in_.substr(pos_, end - pos_);
        const std::size_t enc = decl.find("encoding");
        if (enc != std::string_view::npos) {
            std::size_t q = decl.find_first_of("\"'", enc);
            if (q != std::string_view::npos) {
                const std::size_t q2 = decl.find(decl[q], q + 1);
                std::string value(decl.substr(q + 1, q2 == std::string_view::npos ? 0 : q2 - q - 1));
                for (char& c : value) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
                if (value != "UTF-8" && value != "UTF8")
                    fail("plist.unsupported_encoding", "The document declares encoding \"" + value +
                                                           "\"; only UTF-8 plists are accepted.");
            }
        }
        pos_ = end + 2;
    }

    void doctype() {
        pos_ += 9;
        // Scan to the closing '>' honouring quoted literals; an internal subset ('[') is how entity
        // definitions (and billion-laughs expansions) get in, so it is refused outright.
        char quote = 0;
        const std::size_t start = pos_;
        for (; !at_end(); ++pos_) {
            const char c = in_[pos_];
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                fail("plist.doctype", "The DOCTYPE has an internal subset (\"[...]\"); entity and element "
                                      "declarations are not accepted. Use Apple's standard DOCTYPE.");
            } else if (c == '>') {
                const std::string_view body = trim(in_.substr(start, pos_ - start));
                if (body.substr(0, 5) != "plist" || (body.size() > 5 && !is_space(body[5])))
                    fail("plist.doctype", "The DOCTYPE must name the \"plist\" element.");
                ++pos_;
                return;
            }
        }
        fail("plist.malformed", "The DOCTYPE declaration is never closed with \">\".");
    }

    void epilog() {
        while (true) {
            skip_space();
            if (at_end()) return;
            if (starts("<!--")) {
                skip_comment();
                continue;
            }
            fail("plist.trailing_content", "Content follows </plist>; a plist document ends there.");
        }
    }

    // ---- elements -----------------------------------------------------------------------------------

    struct Tag {
        std::string_view name;
        bool self_closing = false;
    };

    /// At '<' of a start tag. `allow_version` admits the plist element's version attribute.
    Tag start_tag(bool allow_version) {
        ++pos_;
        Tag tag;
        tag.name = read_name();
        while (true) {
            const bool had_space = !at_end() && is_space(in_[pos_]);
            skip_space();
            if (at_end()) fail("plist.malformed", "The document ends inside the <" + std::string(tag.name) + "> tag.");
            if (starts("/>")) {
                pos_ += 2;
                tag.self_closing = true;
                return tag;
            }
            if (in_[pos_] == '>') {
                ++pos_;
                return tag;
            }
            if (!had_space) fail("plist.malformed", "The <" + std::string(tag.name) + "> tag is malformed.");
            const std::string_view attribute = read_name();
            skip_space();
            if (at_end() || in_[pos_] != '=') fail("plist.malformed", "An attribute has no value.");
            ++pos_;
            skip_space();
            if (at_end() || (in_[pos_] != '"' && in_[pos_] != '\''))
                fail("plist.malformed", "An attribute value is not quoted.");
            const char quote = in_[pos_];
            const std::size_t end = in_.find(quote, pos_ + 1);
            if (end == std::string_view::npos) fail("plist.malformed", "An attribute value is never closed.");
            const std::string_view value = in_.substr(pos_ + 1, end - pos_ - 1);
            pos_ = end + 1;
            if (!allow_version || attribute != "version")
                fail("plist.unexpected_attribute", "The <" + std::string(tag.name) + "> element has an attribute \"" +
                                                       std::string(attribute) + "\"; plist elements take none.");
            if (value != "1.0")
                fail("plist.unsupported_version", "The plist version is \"" + std::string(value) +
                                                      "\"; only version 1.0 is understood.");
        }
    }

    /// At "</": reads the end tag and returns its name.
    std::string_view end_tag() {
        pos_ += 2;
        const std::string_view name = read_name();
        skip_space();
        if (at_end() || in_[pos_] != '>') fail("plist.malformed", "The </" + std::string(name) + "> tag is malformed.");
        ++pos_;
        return name;
    }

    void root() {
        if (!starts("<")) fail("plist.malformed", "The document has no <plist> element.");
        const Tag tag = start_tag(true);
        if (tag.name != "plist")
            fail("plist.malformed", "The root element is <" + std::string(tag.name) + ">; it must be <plist>.");
        if (tag.self_closing) fail("plist.empty", "The <plist> element is empty; it must hold one value.");
        content();
    }

    /// Reads values until </plist>, keeping open containers on an explicit stack.
    void content() {
        while (true) {
            skip_space();
            if (at_end()) fail("plist.unexpected_end", "The document ends before its elements are closed.");
            if (starts("<!--")) {
                skip_comment();
            } else if (starts("</")) {
                const std::string_view name = end_tag();
                if (stack_.empty()) {
                    if (name != "plist") fail("plist.mismatched_tag", "Found </" + std::string(name) + "> where </plist> was expected.");
                    if (!root_) fail("plist.empty", "The <plist> element is empty; it must hold one value.");
                    return;
                }
                Frame& top = stack_.back();
                if (name != (top.is_dict ? "dict" : "array"))
                    fail("plist.mismatched_tag", "Found </" + std::string(name) + "> where </" +
                                                     (top.is_dict ? "dict" : "array") + "> was expected.");
                if (top.is_dict && top.pending_key)
                    fail("plist.missing_value", "The key \"" + *top.pending_key + "\" has no value; add one after it.");
                Value done = std::move(top.value);
                stack_.pop_back();
                emit(std::move(done));
            } else if (starts("<![CDATA[") || starts("<!") || starts("<?")) {
                fail("plist.unexpected_markup", "Only plist elements and comments may appear between values.");
            } else if (starts("<")) {
                element();
            } else {
                fail("plist.unexpected_text", "Text appears between elements; put it inside a <string>.");
            }
        }
    }

    void element() {
        const std::size_t tag_pos = pos_;
        const Tag tag = start_tag(false);
        const std::string_view n = tag.name;
        if (stack_.empty() && root_) {
            pos_ = tag_pos;
            fail("plist.trailing_content", "The <plist> element holds more than one value; wrap them in an <array>.");
        }
        if (n == "key") {
            if (stack_.empty() || !stack_.back().is_dict)
                fail("plist.unexpected_key", "A <key> appears outside a <dict>.");
            Frame& top = stack_.back();
            if (top.pending_key)
                fail("plist.missing_value", "The key \"" + *top.pending_key + "\" has no value; add one after it.");
            std::string key = tag.self_closing ? std::string() : text("key", limits_.max_string_bytes);
            if (!top.keys.insert(key).second)
                fail_at("plist.duplicate_key", json_pointer_append(top.path, key),
                        "The key \"" + key + "\" appears twice in the same <dict>; keep one.");
            top.pending_key = std::move(key);
            return;
        }
        if (!stack_.empty() && stack_.back().is_dict && !stack_.back().pending_key)
            fail("plist.expected_key", "A <" + std::string(n) + "> appears in a <dict> without a <key> before it.");
        if (n == "dict" || n == "array") {
            const bool is_dict = n == "dict";
            if (tag.self_closing) {
                emit(is_dict ? Value(Dict{}) : Value(Array{}));
                return;
            }
            if (stack_.size() + 1 > limits_.max_depth)
                fail("plist.too_deep", "Containers nest deeper than " + std::to_string(limits_.max_depth) + " levels.");
            Frame frame;
            frame.is_dict = is_dict;
            frame.value = is_dict ? Value(Dict{}) : Value(Array{});
            frame.path = current_path();
            stack_.push_back(std::move(frame));
            return;
        }
        if (n == "true" || n == "false") {
            if (!tag.self_closing && !trim(text(n, 64)).empty())
                fail("plist.invalid_boolean", "A <" + std::string(n) + "> element must be empty.");
            emit(Value(n == "true"));
            return;
        }
        if (n == "string") {
            emit(Value(tag.self_closing ? std::string() : text("string", limits_.max_string_bytes)));
            return;
        }
        if (n == "integer") {
            emit(Value(integer(tag.self_closing ? std::string() : text("integer", 64))));
            return;
        }
        if (n == "real") {
            emit(Value(real(tag.self_closing ? std::string() : text("real", 64))));
            return;
        }
        if (n == "date") {
            const std::string t = tag.self_closing ? std::string() : text("date", 64);
            const std::optional<std::int64_t> seconds = parse_rfc3339(trim(t));
            if (!seconds)
                fail("plist.invalid_date", "The date \"" + t + "\" is not of the form 2026-11-28T12:00:00Z.");
            emit(Value(Date{*seconds}));
            return;
        }
        if (n == "data") {
            // Base64 is 4/3 of the bytes plus line breaks and indentation: bound the text generously.
            const std::size_t max_text = limits_.max_data_bytes / 3 * 4 * 2 + 1024;
            const std::string t = tag.self_closing ? std::string() : text("data", max_text);
            std::optional<std::string> bytes = crypto::base64_decode(t);
            if (!bytes) fail("plist.invalid_data", "A <data> element does not hold valid Base64.");
            if (bytes->size() > limits_.max_data_bytes)
                fail("plist.data_too_large", "A <data> element holds more than " +
                                                 std::to_string(limits_.max_data_bytes) + " bytes.");
            emit(Value(Data{std::move(*bytes)}));
            return;
        }
        fail("plist.unknown_element", "The element <" + std::string(n) +
                                          "> is not part of a plist (dict, array, key, string, integer, real, "
                                          "true, false, date, data).");
    }

    /// Character data up to </name>: entities and CDATA decoded, line ends normalised (CR LF, CR → LF),
    /// at most `max_bytes` decoded bytes.
    std::string text(std::string_view name, std::size_t max_bytes) {
        std::string out;
        while (true) {
            if (out.size() > max_bytes) {
                if (name == "string" || name == "key")
                    fail("plist.string_too_long", "A <" + std::string(name) + "> is longer than " +
                                                      std::to_string(max_bytes) + " bytes.");
                fail(name == "data" ? "plist.data_too_large" : "plist.value_too_long",
                     "A <" + std::string(name) + "> element is too long.");
            }
            if (at_end()) fail("plist.unexpected_end", "The document ends inside a <" + std::string(name) + ">.");
            const char c = in_[pos_];
            if (c == '<') {
                if (starts("</")) {
                    const std::string_view closing = end_tag();
                    if (closing != name)
                        fail("plist.mismatched_tag", "Found </" + std::string(closing) + "> where </" +
                                                         std::string(name) + "> was expected.");
                    return out;
                }
                if (starts("<![CDATA[")) {
                    const std::size_t end = in_.find("]]>", pos_ + 9);
                    if (end == std::string_view::npos) fail("plist.malformed", "A CDATA section is never closed.");
                    append_normalised(out, in_.substr(pos_ + 9, end - pos_ - 9));
                    pos_ = end + 3;
                    continue;
                }
                if (starts("<!--")) {
                    skip_comment();
                    continue;
                }
                fail("plist.unexpected_element", "A <" + std::string(name) + "> may hold only text, not elements.");
            }
            if (c == '&') {
                entity(out);
                continue;
            }
            if (c == '>' && pos_ >= 2 && in_.substr(pos_ - 2, 3) == "]]>")
                fail("plist.malformed", "The text contains \"]]>\", which XML does not allow outside CDATA; "
                                        "write \"]]&gt;\".");
            // A plain scan: find_first_of would call memchr on the set for every byte of long <data>.
            std::size_t stop = pos_ + 1;
            while (stop < in_.size() && in_[stop] != '<' && in_[stop] != '&' && in_[stop] != '>') ++stop;
            append_normalised(out, in_.substr(pos_, stop - pos_));
            pos_ = stop;
        }
    }

    static void append_normalised(std::string& out, std::string_view s) {
        if (s.find('\r') == std::string_view::npos) {
            out.append(s);  // the common case, in one copy
            return;
        }
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '\r') {
                out += '\n';
                if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
            } else {
                out += s[i];
            }
        }
    }

    void entity(std::string& out) {
        const std::size_t semicolon = in_.find(';', pos_);
        if (semicolon == std::string_view::npos || semicolon - pos_ > 12)
            fail("plist.unknown_entity", "An \"&\" does not start an entity; write \"&amp;\" for a literal ampersand.");
        const std::string_view ref = in_.substr(pos_ + 1, semicolon - pos_ - 1);
        pos_ = semicolon + 1;
        if (ref == "amp") out += '&';
        else if (ref == "lt") out += '<';
        else if (ref == "gt") out += '>';
        else if (ref == "quot") out += '"';
        else if (ref == "apos") out += '\'';
        else if (!ref.empty() && ref[0] == '#') {
            const bool hex = ref.size() > 1 && ref[1] == 'x';
            const std::string_view digits = ref.substr(hex ? 2 : 1);
            std::uint32_t code = 0;
            bool ok = !digits.empty() && digits.size() <= 8;
            for (const char d : digits) {
                int v = -1;
                if (d >= '0' && d <= '9') v = d - '0';
                else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
                else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
                if (v < 0) ok = false;
                else code = code * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
            }
            if (!ok || code > 0x10FFFF || !detail::is_xml_char(static_cast<std::int32_t>(code)))
                fail("plist.invalid_character_reference",
                     "The character reference \"&" + std::string(ref) + ";\" does not name an XML character.");
            detail::append_utf8(out, static_cast<std::int32_t>(code));
        } else {
            fail("plist.unknown_entity", "The entity \"&" + std::string(ref) +
                                             ";\" is not one of &amp; &lt; &gt; &quot; &apos; or a character reference.");
        }
    }

    // ---- scalar conversions -------------------------------------------------------------------------

    std::int64_t integer(const std::string& raw) {
        const std::string_view t = trim(raw);
        std::size_t i = 0;
        bool negative = false;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
        const bool hex = t.substr(i, 2) == "0x" || t.substr(i, 2) == "0X";
        if (hex) i += 2;
        if (i >= t.size()) fail("plist.invalid_integer", "The integer \"" + raw + "\" has no digits.");
        const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
        std::uint64_t value = 0;
        for (; i < t.size(); ++i) {
            int d = -1;
            const char c = t[i];
            if (c >= '0' && c <= '9') d = c - '0';
            else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) fail("plist.invalid_integer", "The integer \"" + raw + "\" is not a decimal or 0x number.");
            const std::uint64_t base = hex ? 16 : 10;
            if (value > (limit - static_cast<std::uint64_t>(d)) / base)
                fail("plist.integer_out_of_range", "The integer \"" + raw + "\" does not fit in 64 signed bits.");
            value = value * base + static_cast<std::uint64_t>(d);
        }
        if (negative) return value == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                                : -static_cast<std::int64_t>(value);
        return static_cast<std::int64_t>(value);
    }

    double real(const std::string& raw) {
        std::string t(trim(raw));
        std::string lower = t;
        for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (lower == "inf" || lower == "+inf" || lower == "infinity" || lower == "+infinity")
            return std::numeric_limits<double>::infinity();
        if (lower == "-inf" || lower == "-infinity") return -std::numeric_limits<double>::infinity();
        // [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
        std::size_t i = 0;
        auto digits = [&] {
            const std::size_t start = i;
            while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
            return i - start;
        };
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        std::size_t mantissa = digits();
        if (i < t.size() && t[i] == '.') {
            ++i;
            mantissa += digits();
        }
        bool ok = mantissa > 0;
        if (ok && i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
            ++i;
            if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
            ok = digits() > 0;
        }
        if (!ok || i != t.size()) fail("plist.invalid_real", "The real \"" + raw + "\" is not a decimal number.");
        const double value = std::strtod(t.c_str(), nullptr);
        if (std::isinf(value)) fail("plist.invalid_real", "The real \"" + raw + "\" is out of range.");
        return value;
    }

    // ---- assembling the tree ------------------------------------------------------------------------

    void emit(Value value) {
        if (stack_.empty()) {
            root_ = std::move(value);
            return;
        }
        Frame& top = stack_.back();
        if (top.is_dict) {
            std::get<Dict>(top.value.v).emplace_back(std::move(*top.pending_key), std::move(value));
            top.pending_key.reset();
        } else {
            std::get<Array>(top.value.v).push_back(std::move(value));
        }
        ++top.count;
    }

    std::string_view in_;
    const ReadLimits& limits_;
    Report& report_;
    std::size_t pos_ = 0;
    std::vector<Frame> stack_;
    std::optional<Value> root_;
};

}  // namespace

ReadResult read_xml(std::string_view bytes, const ReadLimits& limits) {
    ReadResult result;
    try {
        result.value = Reader(bytes, limits, result.report).run();
    } catch (const std::bad_alloc&) {
        result.value.reset();
        result.report.error("plist.too_large", "", "The document needs more memory than is available.");
    }
    return result;
}

}  // namespace acmepolicy::plist
