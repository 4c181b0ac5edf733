// api_parse_plist: untrusted XML plist bytes in, their JSON form (or diagnostics) out.
#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/plist.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {

ApiResult api_parse_plist(std::string_view plist_bytes) {
    return detail::guarded([&] {
        plist::ReadResult read = plist::read_xml(plist_bytes);
        if (!read.value || !read.report.valid()) {
            nlohmann::json diagnostics = nlohmann::json::array();
            for (const Diagnostic& d : read.report.diagnostics()) diagnostics.push_back(to_json(d));
            return detail::api_json(ApiStatus::invalid_input, nlohmann::json{{"diagnostics", diagnostics}});
        }
        return detail::api_json(ApiStatus::ok, nlohmann::json{{"value", plist::to_json(*read.value)}});
    });
}

}  // namespace acmepolicy
