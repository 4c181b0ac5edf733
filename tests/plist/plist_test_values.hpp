// Shared test data for the plist suites: a value with every type and hostile text, and a type-tagged
// JSON view (the same shape plist_dump.py prints) to compare with independent parsers.
#pragma once

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"

namespace acmepolicy::testing {

inline std::string four_kib_string() {
    std::string s;
    const std::string chunk = "<&>]]>\"'\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x90 ";
    while (s.size() < 4096) s += chunk;
    return s;
}

inline plist::Value hostile_value() {
    using namespace plist;
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
    Dict nested{{"empty dict", Dict{}}, {"empty array", Array{}}, {"empty string", std::string()}};
    return Dict{
        {"PayloadType", "Configuration"},
        {"lt <", "a < b"},
        {"amp &", "fish & chips &amp; &#60;"},
        {"cdata ]]>", "x]]>y ]]]]>> <![CDATA[z]]>"},
        {"quotes \"'", "\"double\" and 'single'"},
        {"non-ascii", "Ana\xE2\x80\x99s iPhone \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x90"},
        {"whitespace", " lead\ttab\nnewline\r\ncrlf\rcr trail "},
        {"long", four_kib_string()},
        {"integers", Array{std::int64_t{0}, std::int64_t{-1}, std::int64_t{9223372036854775807LL},
                           std::int64_t{-9223372036854775807LL - 1}}},
        {"reals", Array{0.5, -2.25, 1e300, 0.1, 3.0}},
        {"booleans", Array{true, false}},
        {"date", Date{1795867200}},
        {"data", Data{all_bytes + all_bytes + all_bytes}},
        {"small data", Data{"abc"}},
        {"empty data", Data{""}},
        {"nested", Array{nested, Array{Array{std::string("deep")}}}},
    };
}

/// {"t": type, "v": value} for every node; dicts as [key, value] pairs so order is compared too.
inline nlohmann::json tagged(const plist::Value& value) {
    using namespace plist;
    struct Visitor {
        nlohmann::json operator()(const std::string& s) const { return {{"t", "string"}, {"v", s}}; }
        nlohmann::json operator()(std::int64_t i) const { return {{"t", "integer"}, {"v", i}}; }
        nlohmann::json operator()(double d) const { return {{"t", "real"}, {"v", d}}; }
        nlohmann::json operator()(bool b) const { return {{"t", "bool"}, {"v", b}}; }
        nlohmann::json operator()(const Date& d) const { return {{"t", "date"}, {"v", format_rfc3339(d.seconds)}}; }
        nlohmann::json operator()(const Data& d) const {
            return {{"t", "data"}, {"v", crypto::base64_encode(d.bytes)}};
        }
        nlohmann::json operator()(const Array& a) const {
            nlohmann::json items = nlohmann::json::array();
            for (const Value& v : a) items.push_back(std::visit(*this, v.v));
            return {{"t", "array"}, {"v", items}};
        }
        nlohmann::json operator()(const Dict& d) const {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& [k, v] : d) items.push_back(nlohmann::json::array({k, std::visit(*this, v.v)}));
            return {{"t", "dict"}, {"v", items}};
        }
    };
    return std::visit(Visitor{}, value.v);
}

}  // namespace acmepolicy::testing
