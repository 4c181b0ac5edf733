// The C boundary: checks (pointer, length) inputs, runs a facade call with every exception caught, and
// copies its result into caller-owned buffers. Every exported function goes through `cross()`.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <new>
#include <string_view>

#include "acmepolicy.h"
#include "acmepolicy/api.hpp"

namespace acmepolicy::c_abi {

/// The longest input of each kind a call reads (acmepolicy.h documents them as the ACMEPOLICY_MAX_* macros):
/// a caller's bug (a length of SIZE_MAX, a file read into memory by mistake) is refused before a byte is read.
enum class Cap : std::size_t {
    document = ACMEPOLICY_MAX_DOCUMENT_BYTES,  // one policy, a request, a PEM bundle, a plist
    options = ACMEPOLICY_MAX_OPTIONS_BYTES,
    collection = ACMEPOLICY_MAX_INVENTORY_BYTES,  // an inventory, a policy set, a reconcile state
    certificate_list = ACMEPOLICY_MAX_CERTIFICATE_LIST_BYTES,
    identifier = ACMEPOLICY_MAX_IDENTIFIER_BYTES,  // a device id
};

/// One (pointer, length) input of a C call, with the parameter name used in error messages and its cap.
struct Input {
    const char* name;
    const char* data;
    std::size_t len;
    Cap cap = Cap::document;

    /// The bytes as a view; (NULL, 0) is the empty view. Only valid once `check_inputs` accepted it.
    std::string_view view() const noexcept { return data ? std::string_view(data, len) : std::string_view(); }
};

/// Writes {"error": {"code", "message"}} into `out` with malloc'd storage; never throws. Returns `status`,
/// or ACMEPOLICY_OUT_OF_MEMORY (with `out` empty) when even that allocation fails.
acmepolicy_status write_error(acmepolicy_buffer* out, acmepolicy_status status, const char* code,
                              const char* message) noexcept;

/// Refuses a NULL pointer with a non-zero length (ACMEPOLICY_NULL_ARGUMENT) and an input longer than its cap
/// (ACMEPOLICY_BAD_ARGUMENTS, code argument.too_large), each described in `out_json`. Returns ACMEPOLICY_OK when
/// every input is usable.
acmepolicy_status check_inputs(std::initializer_list<Input> inputs, acmepolicy_buffer* out_json) noexcept;

/// Copies a facade result into the out-buffers. On allocation failure frees what it copied and returns
/// ACMEPOLICY_OUT_OF_MEMORY with both buffers empty. `out_bytes` may be NULL (bytes dropped).
acmepolicy_status deliver(const ApiResult& result, acmepolicy_buffer* out_json,
                          acmepolicy_buffer* out_bytes) noexcept;

/// The whole crossing of one exported function: resets the out-buffers, checks them and the inputs, runs
/// `call` (which returns an ApiResult) and delivers its result. Nothing thrown by `call` escapes: running
/// out of memory becomes ACMEPOLICY_OUT_OF_MEMORY, anything else ACMEPOLICY_INTERNAL_ERROR.
template <typename Call>
acmepolicy_status cross(std::initializer_list<Input> inputs, acmepolicy_buffer* out_json,
                        acmepolicy_buffer* out_bytes, Call&& call) noexcept {
    if (out_bytes) *out_bytes = acmepolicy_buffer{nullptr, 0};
    if (!out_json) return ACMEPOLICY_NULL_ARGUMENT;
    *out_json = acmepolicy_buffer{nullptr, 0};
    acmepolicy_status checked = check_inputs(inputs, out_json);
    if (checked != ACMEPOLICY_OK) return checked;
    try {
        const ApiResult result = call();
        return deliver(result, out_json, out_bytes);
    } catch (const std::bad_alloc&) {
        return ACMEPOLICY_OUT_OF_MEMORY;
    } catch (...) {
        return write_error(out_json, ACMEPOLICY_INTERNAL_ERROR, "internal.exception",
                           "The library failed unexpectedly; please report this input to its maintainers.");
    }
}

}  // namespace acmepolicy::c_abi
