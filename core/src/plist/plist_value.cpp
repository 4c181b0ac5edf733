// Plist value helpers: member lookup and the JSON form.
#include <nlohmann/json.hpp>

#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"

namespace acmepolicy::plist {

const Value* Value::find(std::string_view key) const {
    const Dict* dict = as_dict();
    if (dict == nullptr) return nullptr;
    for (const auto& [k, value] : *dict)
        if (k == key) return &value;
    return nullptr;
}

namespace {

// One visitor per value; containers recurse, which is bounded by the reader's depth limit and by the
// shapes the renderer builds.
struct ToJson {
    nlohmann::json operator()(const std::string& s) const { return s; }
    nlohmann::json operator()(std::int64_t i) const { return i; }
    nlohmann::json operator()(double d) const { return d; }  // NaN and infinities serialise as null
    nlohmann::json operator()(bool b) const { return b; }
    nlohmann::json operator()(const Date& d) const { return format_rfc3339(d.seconds); }
    nlohmann::json operator()(const Data& d) const { return crypto::base64_encode(d.bytes); }
    nlohmann::json operator()(const Array& a) const {
        nlohmann::json out = nlohmann::json::array();
        for (const Value& v : a) out.push_back(std::visit(*this, v.v));
        return out;
    }
    nlohmann::json operator()(const Dict& d) const {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [k, v] : d) out[k] = std::visit(*this, v.v);
        return out;
    }
};

}  // namespace

nlohmann::json to_json(const Value& value) { return std::visit(ToJson{}, value.v); }

}  // namespace acmepolicy::plist
