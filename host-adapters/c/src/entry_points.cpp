// The exported acmepolicy_* functions: each one forwards to the core facade through the C boundary.
#include <cstdlib>

#include "acmepolicy.h"
#include "acmepolicy/api.hpp"
#include "boundary.hpp"

namespace {

using acmepolicy::ApiStatus;
using acmepolicy::c_abi::cross;
using acmepolicy::c_abi::Cap;
using acmepolicy::c_abi::Input;

// The C statuses 0-4 are the facade's, unchanged: a renumbering on either side must not compile.
static_assert(static_cast<int>(ApiStatus::ok) == ACMEPOLICY_OK);
static_assert(static_cast<int>(ApiStatus::invalid_input) == ACMEPOLICY_INVALID_INPUT);
static_assert(static_cast<int>(ApiStatus::bad_arguments) == ACMEPOLICY_BAD_ARGUMENTS);
static_assert(static_cast<int>(ApiStatus::not_found) == ACMEPOLICY_NOT_FOUND);
static_assert(static_cast<int>(ApiStatus::internal_error) == ACMEPOLICY_INTERNAL_ERROR);

#define ACMEPOLICY_STRINGIFY_(x) #x
#define ACMEPOLICY_STRINGIFY(x) ACMEPOLICY_STRINGIFY_(x)
constexpr const char* version_string = ACMEPOLICY_STRINGIFY(ACMEPOLICY_VERSION_MAJOR) "." ACMEPOLICY_STRINGIFY(
    ACMEPOLICY_VERSION_MINOR) "." ACMEPOLICY_STRINGIFY(ACMEPOLICY_VERSION_PATCH);

constexpr bool same_text(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}
// The header's macros are hand-written: they must follow project(VERSION) in the top-level CMakeLists.txt.
static_assert(same_text(version_string, ACMEPOLICY_VERSION_STRING),
              "update ACMEPOLICY_VERSION_MAJOR/MINOR/PATCH in acmepolicy.h to the project version");

}  // namespace

extern "C" {

void acmepolicy_free(acmepolicy_buffer* buffer) {
    if (!buffer) return;
    std::free(buffer->data);
    *buffer = acmepolicy_buffer{nullptr, 0};
}

const char* acmepolicy_status_string(acmepolicy_status status) {
    switch (status) {
        case ACMEPOLICY_OK: return "ok";
        case ACMEPOLICY_INVALID_INPUT: return "invalid_input";
        case ACMEPOLICY_BAD_ARGUMENTS: return "bad_arguments";
        case ACMEPOLICY_NOT_FOUND: return "not_found";
        case ACMEPOLICY_INTERNAL_ERROR: return "internal_error";
        case ACMEPOLICY_NULL_ARGUMENT: return "null_argument";
        case ACMEPOLICY_OUT_OF_MEMORY: return "out_of_memory";
    }
    return "unknown";
}

const char* acmepolicy_version(void) { return version_string; }

unsigned acmepolicy_version_number(void) { return ACMEPOLICY_VERSION_NUMBER; }

acmepolicy_status acmepolicy_version_json(acmepolicy_buffer* out_json) {
    return cross({}, out_json, nullptr, [] { return acmepolicy::api_version(); });
}

acmepolicy_status acmepolicy_schema(acmepolicy_buffer* out_json) {
    return cross({}, out_json, nullptr, [] { return acmepolicy::api_schema(); });
}

acmepolicy_status acmepolicy_validate(const char* policy_json, size_t policy_json_len, const char* options_json,
                                      size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input policy{"policy_json", policy_json, policy_json_len, Cap::document};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({policy, options}, out_json, nullptr,
                 [&] { return acmepolicy::api_validate(policy.view(), options.view()); });
}

acmepolicy_status acmepolicy_validate_set(const char* policies_json, size_t policies_json_len,
                                          const char* options_json, size_t options_json_len,
                                          acmepolicy_buffer* out_json) {
    const Input policies{"policies_json", policies_json, policies_json_len, Cap::collection};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({policies, options}, out_json, nullptr,
                 [&] { return acmepolicy::api_validate_set(policies.view(), options.view()); });
}

acmepolicy_status acmepolicy_render(const char* policy_json, size_t policy_json_len, const char* options_json,
                                    size_t options_json_len, acmepolicy_buffer* out_json,
                                    acmepolicy_buffer* out_bytes) {
    const Input policy{"policy_json", policy_json, policy_json_len, Cap::document};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({policy, options}, out_json, out_bytes,
                 [&] { return acmepolicy::api_render(policy.view(), options.view()); });
}

acmepolicy_status acmepolicy_verify_client_token(const char* request_json, size_t request_json_len,
                                                 acmepolicy_buffer* out_json) {
    const Input request{"request_json", request_json, request_json_len, Cap::document};
    return cross({request}, out_json, nullptr,
                 [&] { return acmepolicy::api_verify_client_token(request.view()); });
}

acmepolicy_status acmepolicy_resolve(const char* inventory_json, size_t inventory_json_len,
                                     const char* policies_json, size_t policies_json_len, const char* options_json,
                                     size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input inventory{"inventory_json", inventory_json, inventory_json_len, Cap::collection};
    const Input policies{"policies_json", policies_json, policies_json_len, Cap::collection};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({inventory, policies, options}, out_json, nullptr, [&] {
        return acmepolicy::api_resolve(inventory.view(), policies.view(), options.view());
    });
}

acmepolicy_status acmepolicy_explain(const char* inventory_json, size_t inventory_json_len,
                                     const char* policy_json, size_t policy_json_len, const char* device_id,
                                     size_t device_id_len, const char* options_json, size_t options_json_len,
                                     acmepolicy_buffer* out_json) {
    const Input inventory{"inventory_json", inventory_json, inventory_json_len, Cap::collection};
    const Input policy{"policy_json", policy_json, policy_json_len, Cap::document};
    const Input device{"device_id", device_id, device_id_len, Cap::identifier};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({inventory, policy, device, options}, out_json, nullptr, [&] {
        return acmepolicy::api_explain(inventory.view(), policy.view(), device.view(), options.view());
    });
}

acmepolicy_status acmepolicy_plan(const char* inventory_json, size_t inventory_json_len,
                                  const char* policies_json, size_t policies_json_len, const char* state_json,
                                  size_t state_json_len, const char* options_json, size_t options_json_len,
                                  acmepolicy_buffer* out_json) {
    const Input inventory{"inventory_json", inventory_json, inventory_json_len, Cap::collection};
    const Input policies{"policies_json", policies_json, policies_json_len, Cap::collection};
    const Input state{"state_json", state_json, state_json_len, Cap::collection};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({inventory, policies, state, options}, out_json, nullptr, [&] {
        return acmepolicy::api_plan(inventory.view(), policies.view(), state.view(), options.view());
    });
}

acmepolicy_status acmepolicy_parse_plist(const char* plist, size_t plist_len, acmepolicy_buffer* out_json) {
    const Input bytes{"plist", plist, plist_len, Cap::document};
    return cross({bytes}, out_json, nullptr, [&] { return acmepolicy::api_parse_plist(bytes.view()); });
}

acmepolicy_status acmepolicy_device_from_checkin(const char* plist, size_t plist_len, const char* options_json,
                                                 size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input bytes{"plist", plist, plist_len, Cap::document};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({bytes, options}, out_json, nullptr,
                 [&] { return acmepolicy::api_device_from_checkin(bytes.view(), options.view()); });
}

acmepolicy_status acmepolicy_policy_targets(const char* policy_json, size_t policy_json_len, acmepolicy_buffer* out_json) {
    const Input policy{"policy_json", policy_json, policy_json_len, Cap::document};
    return cross({policy}, out_json, nullptr, [&] { return acmepolicy::api_policy_targets(policy.view()); });
}

acmepolicy_status acmepolicy_render_remove_command(const char* options_json, size_t options_json_len,
                                                   acmepolicy_buffer* out_json, acmepolicy_buffer* out_bytes) {
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({options}, out_json, out_bytes,
                 [&] { return acmepolicy::api_render_remove_command(options.view()); });
}

acmepolicy_status acmepolicy_inspect_certificate(const char* pem, size_t pem_len, const char* options_json,
                                                 size_t options_json_len, acmepolicy_buffer* out_json) {
    const Input certificate{"pem", pem, pem_len, Cap::document};
    const Input options{"options_json", options_json, options_json_len, Cap::options};
    return cross({certificate, options}, out_json, nullptr,
                 [&] { return acmepolicy::api_inspect_certificate(certificate.view(), options.view()); });
}

}  // extern "C"
