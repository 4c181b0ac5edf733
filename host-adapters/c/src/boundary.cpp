// The C boundary helpers: input checks, error documents and result copies, all without throwing.
#include "boundary.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace acmepolicy::c_abi {
namespace {

// Copies `size` bytes into a malloc'd, NUL-terminated buffer. False (and `out` untouched) when out of memory.
bool copy_into(acmepolicy_buffer* out, const char* bytes, std::size_t size) noexcept {
    char* data = static_cast<char*>(std::malloc(size + 1));
    if (!data) return false;
    if (size) std::memcpy(data, bytes, size);
    data[size] = '\0';
    *out = acmepolicy_buffer{data, size};
    return true;
}

}  // namespace

acmepolicy_status write_error(acmepolicy_buffer* out, acmepolicy_status status, const char* code,
                              const char* message) noexcept {
    // Codes and messages are our own constants: they hold no character that needs JSON escaping.
    char text[512];
    int size = std::snprintf(text, sizeof text, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
    if (size < 0 || static_cast<std::size_t>(size) >= sizeof text) size = 0;
    if (!copy_into(out, text, static_cast<std::size_t>(size))) return ACMEPOLICY_OUT_OF_MEMORY;
    return status;
}

acmepolicy_status check_inputs(std::initializer_list<Input> inputs, acmepolicy_buffer* out_json) noexcept {
    for (const Input& input : inputs) {
        char message[256];
        if (input.len > static_cast<std::size_t>(input.cap)) {
            std::snprintf(message, sizeof message, "%s is %zu bytes, more than the %zu this call reads.", input.name,
                          input.len, static_cast<std::size_t>(input.cap));
            return write_error(out_json, ACMEPOLICY_BAD_ARGUMENTS, "argument.too_large", message);
        }
        if (input.data || input.len == 0) continue;
        std::snprintf(message, sizeof message,
                      "%s is NULL but its length is %zu: pass a pointer to the bytes, or a length of 0 for an "
                      "empty input.",
                      input.name, input.len);
        return write_error(out_json, ACMEPOLICY_NULL_ARGUMENT, "argument.null", message);
    }
    return ACMEPOLICY_OK;
}

acmepolicy_status deliver(const ApiResult& result, acmepolicy_buffer* out_json,
                          acmepolicy_buffer* out_bytes) noexcept {
    if (!copy_into(out_json, result.json.data(), result.json.size())) return ACMEPOLICY_OUT_OF_MEMORY;
    if (out_bytes && !result.bytes.empty() &&
        !copy_into(out_bytes, result.bytes.data(), result.bytes.size())) {
        acmepolicy_free(out_json);
        return ACMEPOLICY_OUT_OF_MEMORY;
    }
    return static_cast<acmepolicy_status>(result.status);
}

}  // namespace acmepolicy::c_abi
