// The certificate lifecycle entry points (acmepolicy_parse_certificate_list, _certificate_status,
// _plan_renewals): the same crossing, and the same input caps, as every other export.
#include "acmepolicy.h"
#include "acmepolicy/api.hpp"
#include "boundary.hpp"

namespace {

using acmepolicy::c_abi::cross;
using acmepolicy::c_abi::Cap;
using acmepolicy::c_abi::Input;

}  // namespace

extern "C" {

acmepolicy_status acmepolicy_parse_certificate_list(const char* plist, size_t plist_len, const char* options_json,
                                                    size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input bytes{"plist", plist, plist_len, Cap::certificate_list};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({bytes, options}, out_json, nullptr, [&] {
        return acmepolicy::api_parse_certificate_list(bytes.view(), options.view());
    });
}

acmepolicy_status acmepolicy_certificate_status(const char* policy_json, size_t policy_json_len,
                                                const char* entry_json, size_t entry_json_len,
                                                const char* options_json, size_t options_json_len,
                                                acmepolicy_buffer* out_json) {
    const Input policy{"policy_json", policy_json, policy_json_len, Cap::document};
    const Input entry{"entry_json", entry_json, entry_json_len, Cap::document};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({policy, entry, options}, out_json, nullptr, [&] {
        return acmepolicy::api_certificate_status(policy.view(), entry.view(), options.view());
    });
}

acmepolicy_status acmepolicy_plan_renewals(const char* inventory_json, size_t inventory_json_len,
                                           const char* policies_json, size_t policies_json_len,
                                           const char* options_json, size_t options_json_len,
                                           acmepolicy_buffer* out_json) {
    const Input inventory{"inventory_json", inventory_json, inventory_json_len, Cap::collection};
    const Input policies{"policies_json", policies_json, policies_json_len, Cap::collection};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({inventory, policies, options}, out_json, nullptr, [&] {
        return acmepolicy::api_plan_renewals(inventory.view(), policies.view(), options.view());
    });
}

}  // extern "C"
