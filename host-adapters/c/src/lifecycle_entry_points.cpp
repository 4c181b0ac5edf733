// The certificate lifecycle entry points (acmepolicy_parse_certificate_list, _certificate_status,
// _plan_renewals): the same crossing as every other export, plus a cap on each input's length so a
// caller's bug cannot hand the library gigabytes.
#include <cstdio>

#include "acmepolicy.h"
#include "acmepolicy/api.hpp"
#include "boundary.hpp"

namespace {

using acmepolicy::ApiResult;
using acmepolicy::ApiStatus;
using acmepolicy::c_abi::cross;
using acmepolicy::c_abi::Input;

constexpr std::size_t kMiB = 1024 * 1024;

/// Non-empty when some input is longer than its cap: the bad_arguments answer naming it.
ApiResult over_cap(std::initializer_list<std::pair<Input, std::size_t>> inputs) {
    ApiResult r;
    for (const auto& [input, cap] : inputs) {
        if (input.len <= cap) continue;
        char text[256];
        std::snprintf(text, sizeof text,
                      "{\"error\":{\"code\":\"argument.too_large\",\"message\":\"%s is %zu bytes, more than the %zu "
                      "this call reads.\"}}",
                      input.name, input.len, cap);
        r.status = ApiStatus::bad_arguments;
        r.json = text;
        return r;
    }
    return r;
}

}  // namespace

extern "C" {

acmepolicy_status acmepolicy_parse_certificate_list(const char* plist, size_t plist_len, const char* options_json,
                                                    size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input bytes{"plist", plist, plist_len};
    const Input options{"options_json", options_json, options_json_len};
    return cross({bytes, options}, out_json, nullptr, [&] {
        ApiResult capped = over_cap({{bytes, ACMEPOLICY_MAX_CERTIFICATE_LIST_BYTES}, {options, kMiB}});
        if (!capped.json.empty()) return capped;
        return acmepolicy::api_parse_certificate_list(bytes.view(), options.view());
    });
}

acmepolicy_status acmepolicy_certificate_status(const char* policy_json, size_t policy_json_len,
                                                const char* entry_json, size_t entry_json_len,
                                                const char* options_json, size_t options_json_len,
                                                acmepolicy_buffer* out_json) {
    const Input policy{"policy_json", policy_json, policy_json_len};
    const Input entry{"entry_json", entry_json, entry_json_len};
    const Input options{"options_json", options_json, options_json_len};
    return cross({policy, entry, options}, out_json, nullptr, [&] {
        ApiResult capped = over_cap({{policy, kMiB}, {entry, ACMEPOLICY_MAX_CERTIFICATE_LIST_BYTES * 2}, {options, kMiB}});
        if (!capped.json.empty()) return capped;
        return acmepolicy::api_certificate_status(policy.view(), entry.view(), options.view());
    });
}

acmepolicy_status acmepolicy_plan_renewals(const char* inventory_json, size_t inventory_json_len,
                                           const char* policies_json, size_t policies_json_len,
                                           const char* options_json, size_t options_json_len,
                                           acmepolicy_buffer* out_json) {
    const Input inventory{"inventory_json", inventory_json, inventory_json_len};
    const Input policies{"policies_json", policies_json, policies_json_len};
    const Input options{"options_json", options_json, options_json_len};
    return cross({inventory, policies, options}, out_json, nullptr, [&] {
        ApiResult capped = over_cap({{inventory, ACMEPOLICY_MAX_INVENTORY_BYTES}, {policies, ACMEPOLICY_MAX_INVENTORY_BYTES},
                                     {options, kMiB}});
        if (!capped.json.empty()) return capped;
        return acmepolicy::api_plan_renewals(inventory.view(), policies.view(), options.view());
    });
}

}  // extern "C"
