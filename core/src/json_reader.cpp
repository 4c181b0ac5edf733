// Strict JSON reading: a SAX handler over nlohmann's parser that builds the DOM itself so it can see
// duplicate keys (nlohmann keeps the last one silently), enforce depth and string limits, and keep paths.
#include "acmepolicy/json_reader.hpp"

#include <string>
#include <vector>

namespace acmepolicy {
namespace {

using nlohmann::json;

class StrictBuilder final : public nlohmann::json_sax<json> {
public:
    StrictBuilder(const JsonLimits& limits, JsonReadResult& result) : limits_(limits), result_(result) {}

    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t v) override { return put(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
    bool string(string_t& v) override {
        if (v.size() > limits_.max_string_bytes) {
            result_.report.error("json.string_too_long", child_path(),
                                 "This text is " + std::to_string(v.size()) + " bytes long; the limit is " +
                                     std::to_string(limits_.max_string_bytes) + " bytes.");
        }
        return put(json(std::move(v)));
    }
    bool binary(binary_t&) override { return put(json(nullptr)); }

    bool start_object(std::size_t) override { return open(json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }

    bool key(string_t& k) override {
        Frame& frame = stack_.back();
        frame.pending_key = k;
        if (k.size() > limits_.max_string_bytes) {
            result_.report.error("json.string_too_long", child_path(),
                                 "An object key is " + std::to_string(k.size()) + " bytes long; the limit is " +
                                     std::to_string(limits_.max_string_bytes) + " bytes.");
        }
        // The object under construction holds every key seen so far (duplicates are never inserted), so
        // it is its own duplicate index.
        frame.duplicate = frame.value.find(k) != frame.value.end();
        if (frame.duplicate) {
            result_.report.error("json.duplicate_key", child_path(),
                                 "The key \"" + k + "\" appears more than once in this object; keep only one "
                                 "(the first one is used).");
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
        syntax_error_ = true;
        error_position_ = position;
        error_text_ = ex.what();
        return false;
    }

    bool aborted_for_limit() const { return limit_hit_; }
    bool syntax_error() const { return syntax_error_; }
    std::size_t error_position() const { return error_position_; }
    const std::string& error_text() const { return error_text_; }
    json take() { return std::move(root_); }

private:
    struct Frame {
        json value;
        std::string pending_key;  // objects: the key whose value comes next
        bool duplicate = false;
    };

    // The JSON pointer of the value about to be added. Built only when a diagnostic needs it, so the
    // common path (a clean document) allocates no path strings.
    std::string child_path() const {
        std::string path;
        for (const Frame& frame : stack_) {
            if (frame.value.is_object()) path = json_pointer_append(path, frame.pending_key);
            else path = json_pointer_append(path, frame.value.size());
        }
        return path;
    }

    bool put(json&& value) {
        if (stack_.empty()) {
            root_ = std::move(value);
            return true;
        }
        Frame& frame = stack_.back();
        if (frame.value.is_object()) {
            if (!frame.duplicate) frame.value.emplace(std::move(frame.pending_key), std::move(value));
            frame.duplicate = false;
        } else {
            frame.value.push_back(std::move(value));
        }
        return true;
    }

    bool open(json&& container) {
        if (stack_.size() >= limits_.max_depth) {
            result_.report.error("json.too_deep", child_path(),
                                 "The document nests deeper than " + std::to_string(limits_.max_depth) +
                                     " levels; flatten it.");
            limit_hit_ = true;
            return false;
        }
        stack_.push_back(Frame{std::move(container), std::string(), false});
        return true;
    }

    bool close() {
        json value = std::move(stack_.back().value);
        stack_.pop_back();
        return put(std::move(value));
    }

    const JsonLimits& limits_;
    JsonReadResult& result_;
    std::vector<Frame> stack_;
    json root_;
    bool limit_hit_ = false;
    bool syntax_error_ = false;
    std::size_t error_position_ = 0;
    std::string error_text_;
};

void locate(std::string_view text, std::size_t position, std::size_t& line, std::size_t& column) {
    line = 1;
    column = 1;
    const std::size_t end = position > 0 && position <= text.size() ? position - 1 : text.size();
    for (std::size_t i = 0; i < end && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
}

std::string describe_syntax_error(const std::string& what) {
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error
    // while parsing value - invalid literal; last read: 'tru'": keep the part after the location.
    auto colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return detail;
}

}  // namespace

JsonReadResult read_json(std::string_view text, const JsonLimits& limits) {
    JsonReadResult result;
    if (text.size() > limits.max_document_bytes) {
        result.report.error("json.too_large", "",
                            "The document is " + std::to_string(text.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_document_bytes) + " bytes.");
        return result;
    }
    StrictBuilder builder(limits, result);
    bool ok = false;
    try {
        ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                                       true, false);
    } catch (const std::exception& ex) {
        // sax_parse reports through parse_error; anything thrown here is an unexpected condition.
        result.report.error("json.syntax", "", std::string("The document could not be read: ") + ex.what());
        return result;
    }
    if (builder.aborted_for_limit()) return result;
    if (!ok || builder.syntax_error()) {
        locate(text, builder.error_position(), result.error_line, result.error_column);
        result.report.error("json.syntax", "",
                            "Invalid JSON at line " + std::to_string(result.error_line) + ", column " +
                                std::to_string(result.error_column) + ": " +
                                describe_syntax_error(builder.error_text()));
        return result;
    }
    result.value = builder.take();
    return result;
}

}  // namespace acmepolicy
