// Rule 2 over every string of a document: valid UTF-8, only characters an XML property list can carry;
// plus the depth and length limits when the document did not come through read_json.
#include <string>

#include "acmepolicy/json_reader.hpp"
#include "validation/codes.hpp"
#include "validation/path_chain.hpp"
#include "validation/rules.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

class TextWalker {
public:
    TextWalker(bool check_limits, Report& report) : check_limits_(check_limits), report_(report) {}

    void walk(JsonValue value, const PathLink* at, std::size_t depth) {
        // Nothing below is anything but printable ASCII: only the limits could still be broken.
        if (!check_limits_ && value.is_plain()) return;
        if (value.is_object() || value.is_array()) {
            if (check_limits_ && depth >= limits_.max_depth) {
                emit(report_, Code::json_too_deep, path_of(at),
                     "The document nests deeper than " + std::to_string(limits_.max_depth) + " levels; flatten it.");
                return;
            }
            if (value.is_object()) {
                for (const auto& item : value.children()) {
                    const PathLink link(at, item.key());
                    key(item.key(), item.key_is_plain(), &link);
                    walk(item.value(), &link, depth + 1);
                }
            } else {
                for (std::size_t i = 0; i < value.size(); ++i) {
                    const PathLink link(at, i);
                    walk(value[i], &link, depth + 1);
                }
            }
            return;
        }
        if (value.is_string()) text(value.str(), value.is_plain(), at);
    }

private:
    // `plain`: printable ASCII only (the document's flags), which no check below can fault.
    void key(std::string_view k, bool plain, const PathLink* at) {
        if (check_limits_ && k.size() > limits_.max_string_bytes)
            emit(report_, Code::json_string_too_long, path_of(at),
                 "An object key is " + std::to_string(k.size()) + " bytes long; the limit is " +
                     std::to_string(limits_.max_string_bytes) + " bytes.");
        if (!plain && !is_valid_utf8(k))
            emit(report_, Code::text_invalid_utf8, path_of(at), "This key is not valid UTF-8; save the document as UTF-8.");
    }

    void text(std::string_view s, bool plain, const PathLink* at) {
        if (check_limits_ && s.size() > limits_.max_string_bytes)
            emit(report_, Code::json_string_too_long, path_of(at),
                 "This text is " + std::to_string(s.size()) + " bytes long; the limit is " +
                     std::to_string(limits_.max_string_bytes) + " bytes.");
        if (plain) return;
        if (!is_valid_utf8(s)) {
            emit(report_, Code::text_invalid_utf8, path_of(at), "This text is not valid UTF-8; save the document as UTF-8.");
            return;
        }
        // Free text and PEM blocks span lines; every other value ends up on one line of a property list.
        const std::string path = path_of(at);
        const bool free_text = path == "/notes" || path.rfind("/ca_certificates/", 0) == 0;
        if (auto bad = first_xml_forbidden(s, free_text ? std::string_view("\t\n\r", 3) : std::string_view())) {
            std::string message = "This text holds the control character " + code_point_name(*bad) +
                                  ", which a configuration profile (XML) cannot carry; remove it.";
            if (!free_text && (*bad == '\n' || *bad == '\t' || *bad == '\r'))
                message += " Only notes and PEM certificates may span several lines.";
            emit(report_, Code::text_invalid_character, path, std::move(message));
        }
    }

    bool check_limits_;
    Report& report_;
    JsonLimits limits_;
};

}  // namespace

void check_text(JsonValue document, bool check_json_limits, Report& report) {
    TextWalker(check_json_limits, report).walk(document, nullptr, 0);
}

}  // namespace acmepolicy::validation
