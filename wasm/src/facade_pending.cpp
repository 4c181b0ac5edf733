// Link-time fallbacks for facade functions whose implementation is not part of the core yet.
//
// This file is compiled into its own static library, linked after the core: the linker only pulls a
// fallback from here when the core library defines no such function, and every definition is weak, so a
// real implementation in the core always wins. Each fallback answers internal_error with the code
// "internal.unavailable"; once the core implements every facade function nothing here is linked at all.
#include "acmepolicy/api.hpp"

namespace acmepolicy {
namespace {

ApiResult unavailable(const char* function) {
    ApiResult r;
    r.status = ApiStatus::internal_error;
    r.json = std::string(R"({"error":{"code":"internal.unavailable","message":")") + function +
             R"( is not part of this build of the acmepolicy core."}})";
    return r;
}

}  // namespace

#define ACMEPOLICY_PENDING __attribute__((weak))

ACMEPOLICY_PENDING ApiResult api_validate(std::string_view, std::string_view) {
    return unavailable("validate");
}
ACMEPOLICY_PENDING ApiResult api_validate_set(std::string_view, std::string_view) {
    return unavailable("validate_set");
}
ACMEPOLICY_PENDING ApiResult api_render(std::string_view, std::string_view) {
    return unavailable("render");
}
ACMEPOLICY_PENDING ApiResult api_resolve(std::string_view, std::string_view, std::string_view) {
    return unavailable("resolve");
}
ACMEPOLICY_PENDING ApiResult api_explain(std::string_view, std::string_view, std::string_view,
                                         std::string_view) {
    return unavailable("explain");
}
ACMEPOLICY_PENDING ApiResult api_plan(std::string_view, std::string_view, std::string_view, std::string_view) {
    return unavailable("plan");
}
ACMEPOLICY_PENDING ApiResult api_parse_plist(std::string_view) {
    return unavailable("parse_plist");
}
ACMEPOLICY_PENDING ApiResult api_inspect_certificate(std::string_view, std::string_view) {
    return unavailable("inspect_certificate");
}

}  // namespace acmepolicy
