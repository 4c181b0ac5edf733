// The XML plist writer: Apple's exact document form (CFPropertyList's layout), byte-stable.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "plist/xml_text.hpp"

namespace acmepolicy::plist {

namespace {

constexpr std::size_t kDataLineLength = 76;  // CFPropertyList wraps <data> Base64 at 76 characters

class Writer {
public:
    explicit Writer(std::string& out) : out_(out) {}

    void value(const Value& v, std::size_t depth) { std::visit([&](const auto& x) { write(x, depth); }, v.v); }

private:
    void indent(std::size_t depth) { out_.append(depth, '\t'); }

    void element(const char* tag, std::string_view text, std::size_t depth) {
        indent(depth);
        out_ += '<';
        out_ += tag;
        out_ += '>';
        detail::append_xml_escaped(out_, text);
        out_ += "</";
        out_ += tag;
        out_ += ">\n";
    }

    void write(const std::string& s, std::size_t depth) { element("string", s, depth); }
    void write(std::int64_t i, std::size_t depth) { element("integer", std::to_string(i), depth); }
    void write(double d, std::size_t depth) { element("real", format_real(d), depth); }
    void write(bool b, std::size_t depth) {
        indent(depth);
        out_ += b ? "<true/>\n" : "<false/>\n";
    }
    void write(const Date& d, std::size_t depth) { element("date", format_rfc3339(d.seconds), depth); }
    void write(const Data& d, std::size_t depth) {
        indent(depth);
        out_ += "<data>\n";
        const std::string encoded = crypto::base64_encode(d.bytes);
        for (std::size_t i = 0; i < encoded.size(); i += kDataLineLength) {
            indent(depth);
            out_.append(encoded, i, kDataLineLength);
            out_ += '\n';
        }
        indent(depth);
        out_ += "</data>\n";
    }
    void write(const Array& a, std::size_t depth) {
        indent(depth);
        if (a.empty()) {
            out_ += "<array/>\n";
            return;
        }
        out_ += "<array>\n";
        for (const Value& v : a) value(v, depth + 1);
        indent(depth);
        out_ += "</array>\n";
    }
    void write(const Dict& d, std::size_t depth) {
        indent(depth);
        if (d.empty()) {
            out_ += "<dict/>\n";
            return;
        }
        out_ += "<dict>\n";
        for (const auto& [k, v] : d) {
            element("key", k, depth + 1);
            value(v, depth + 1);
        }
        indent(depth);
        out_ += "</dict>\n";
    }

    /// The shortest decimal text that reads back as the same double; Apple's spellings for the rest.
    static std::string format_real(double d) {
        if (std::isnan(d)) return "nan";
        if (std::isinf(d)) return d > 0 ? "+infinity" : "-infinity";
        char buffer[40];
        for (int precision = 1; precision <= 17; ++precision) {
            std::snprintf(buffer, sizeof buffer, "%.*g", precision, d);
            if (std::strtod(buffer, nullptr) == d) break;
        }
        return buffer;
    }

    std::string& out_;
};

}  // namespace

std::string write_xml(const Value& root) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n";
    Writer(out).value(root, 0);
    out += "</plist>\n";
    return out;
}

bool is_xml_text(std::string_view text) noexcept { return detail::xml_text_valid(text); }

}  // namespace acmepolicy::plist
