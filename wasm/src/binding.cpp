// The wasm binding: C-style exports that marshal UTF-8 buffers into the JSON facade (api.hpp) and hand
// its ApiResult back to JavaScript. No logic lives here: every export calls the same facade function the
// C ABI calls, so a browser gets byte-identical answers to the CLI and the server.
//
// Calling convention (read by index.js):
//   - inputs are (pointer, byte length) pairs of UTF-8 text in the wasm heap, owned by the caller;
//   - every call returns a WasmResult* that the caller must release with acmepolicy_wasm_result_free,
//     or 0 when even the result record could not be allocated (out of memory);
//   - the first six 32-bit words of a WasmResult are a fixed view: status, json pointer, json size,
//     bytes pointer, bytes size, and 1 when the json is exactly the clean report (kCleanReport), which
//     index.js then builds without decoding and parsing it. The pointed-to text lives until the result is
//     freed.
#include <cstddef>
#include <cstdint>
#include <malloc.h>
#include <new>
#include <string_view>

#include <emscripten/emscripten.h>

#include "acmepolicy/api.hpp"

namespace {

// The answer of a validation without findings: what a portal gets on most keystrokes.
constexpr std::string_view kCleanReport = R"({"diagnostics":[],"valid":true})";

struct WasmResult {
    // The view index.js reads: keep these six 32-bit fields first and in this order.
    std::int32_t status = 0;
    const char* json = nullptr;
    std::uint32_t json_size = 0;
    const char* bytes = nullptr;
    std::uint32_t bytes_size = 0;
    std::uint32_t clean_report = 0;
    // Owns the text the view points at.
    acmepolicy::ApiResult owner;
};

static_assert(sizeof(void*) == 4, "index.js reads WasmResult as 32-bit words (wasm32)");
static_assert(offsetof(WasmResult, status) == 0 && offsetof(WasmResult, json) == 4 &&
                  offsetof(WasmResult, json_size) == 8 && offsetof(WasmResult, bytes) == 12 &&
                  offsetof(WasmResult, bytes_size) == 16 && offsetof(WasmResult, clean_report) == 20,
              "index.js depends on this layout");

std::string_view view(const char* data, std::uint32_t size) {
    return size == 0 ? std::string_view() : std::string_view(data, size);
}

// Moves a facade result onto the heap for JavaScript; nullptr when that allocation fails.
WasmResult* publish(acmepolicy::ApiResult&& result) noexcept {
    auto* out = new (std::nothrow) WasmResult;
    if (out == nullptr) return nullptr;
    out->owner = std::move(result);  // moving strings never allocates
    out->status = static_cast<std::int32_t>(out->owner.status);
    out->json = out->owner.json.data();
    out->json_size = static_cast<std::uint32_t>(out->owner.json.size());
    out->bytes = out->owner.bytes.data();
    out->bytes_size = static_cast<std::uint32_t>(out->owner.bytes.size());
    out->clean_report = out->owner.json == kCleanReport ? 1 : 0;
    return out;
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void acmepolicy_wasm_result_free(WasmResult* result) {
    delete result;
}

/// Bytes currently allocated by malloc inside the module: the leak test watches it across calls.
EMSCRIPTEN_KEEPALIVE std::uint32_t acmepolicy_wasm_heap_in_use() {
    return static_cast<std::uint32_t>(mallinfo().uordblks);
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_version() {
    return publish(acmepolicy::api_version());
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_schema() {
    return publish(acmepolicy::api_schema());
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_validate(const char* policy, std::uint32_t policy_size,
                                                          const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_validate(view(policy, policy_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_validate_set(const char* policies, std::uint32_t policies_size,
                                                              const char* options,
                                                              std::uint32_t options_size) {
    return publish(
        acmepolicy::api_validate_set(view(policies, policies_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_render(const char* policy, std::uint32_t policy_size,
                                                        const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_render(view(policy, policy_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_resolve(const char* inventory, std::uint32_t inventory_size,
                                                         const char* policies, std::uint32_t policies_size,
                                                         const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_resolve(view(inventory, inventory_size), view(policies, policies_size),
                                           view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_explain(const char* inventory, std::uint32_t inventory_size,
                                                         const char* policy, std::uint32_t policy_size,
                                                         const char* device_id, std::uint32_t device_id_size,
                                                         const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_explain(view(inventory, inventory_size), view(policy, policy_size),
                                           view(device_id, device_id_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_plan(const char* inventory, std::uint32_t inventory_size,
                                                      const char* policies, std::uint32_t policies_size,
                                                      const char* state, std::uint32_t state_size,
                                                      const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_plan(view(inventory, inventory_size), view(policies, policies_size),
                                        view(state, state_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_parse_plist(const char* plist, std::uint32_t plist_size) {
    return publish(acmepolicy::api_parse_plist(view(plist, plist_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_policy_targets(const char* policy, std::uint32_t policy_size) {
    return publish(acmepolicy::api_policy_targets(view(policy, policy_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_inspect_certificate(const char* pem, std::uint32_t pem_size,
                                                                     const char* options,
                                                                     std::uint32_t options_size) {
    return publish(acmepolicy::api_inspect_certificate(view(pem, pem_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_parse_certificate_list(const char* plist, std::uint32_t plist_size,
                                                                         const char* options,
                                                                         std::uint32_t options_size) {
    return publish(acmepolicy::api_parse_certificate_list(view(plist, plist_size), view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_certificate_status(const char* policy, std::uint32_t policy_size,
                                                                    const char* entry, std::uint32_t entry_size,
                                                                    const char* options,
                                                                    std::uint32_t options_size) {
    return publish(acmepolicy::api_certificate_status(view(policy, policy_size), view(entry, entry_size),
                                                      view(options, options_size)));
}

EMSCRIPTEN_KEEPALIVE WasmResult* acmepolicy_wasm_plan_renewals(const char* inventory, std::uint32_t inventory_size,
                                                               const char* policies, std::uint32_t policies_size,
                                                               const char* options, std::uint32_t options_size) {
    return publish(acmepolicy::api_plan_renewals(view(inventory, inventory_size), view(policies, policies_size),
                                                 view(options, options_size)));
}

}  // extern "C"
