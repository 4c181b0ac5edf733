// Writes a validation report the way nlohmann::json::dump(-1, ' ', false, replace) writes to_json(report).
#include "api/report_answer.hpp"

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace acmepolicy::detail {
namespace {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF): exactly what
// nlohmann's decoder accepts, so text that passes is copied by it unchanged.
bool is_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto* end = p + text.size();
    while (p != end) {
        const std::uint8_t lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        std::size_t tail = 0;
        std::uint8_t low = 0x80, high = 0xBF;  // the range of the byte after the lead
        if (lead >= 0xC2 && lead <= 0xDF) {
            tail = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            tail = 2;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            tail = 3;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) <= tail) return false;
        if (p[1] < low || p[1] > high) return false;
        for (std::size_t i = 2; i <= tail; ++i)
            if (p[i] < 0x80 || p[i] > 0xBF) return false;
        p += tail + 1;
    }
    return true;
}

void append_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        out.push_back('\\');
        switch (c) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '\b': out.push_back('b'); break;
            case '\t': out.push_back('t'); break;
            case '\n': out.push_back('n'); break;
            case '\f': out.push_back('f'); break;
            case '\r': out.push_back('r'); break;
            default:
                out.append("u00", 3);
                out.push_back(kHex[c >> 4]);
                out.push_back(kHex[c & 0xF]);
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out.push_back('"');
}

}  // namespace

std::string report_answer(const Report& report) {
    const auto& diagnostics = report.diagnostics();
    std::size_t size = 40;
    for (const auto& d : diagnostics) {
        if (!is_utf8(d.code) || !is_utf8(d.path) || !is_utf8(d.message))
            return to_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        size += 50 + d.code.size() + d.path.size() + d.message.size();
    }
    std::string out;
    out.reserve(size);
    out.append(R"({"diagnostics":[)");
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
        const Diagnostic& d = diagnostics[i];
        out.append(i == 0 ? R"({"code":)" : R"(,{"code":)");
        append_string(out, d.code);
        out.append(R"(,"message":)");
        append_string(out, d.message);
        out.append(R"(,"path":)");
        append_string(out, d.path);
        out.append(R"(,"severity":")");
        out.append(to_string(d.severity));
        out.append(R"("})");
    }
    out.append(report.valid() ? R"(],"valid":true})" : R"(],"valid":false})");
    return out;
}

}  // namespace acmepolicy::detail
