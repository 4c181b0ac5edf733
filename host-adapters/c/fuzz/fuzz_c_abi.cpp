// libFuzzer target of the C ABI: the first byte picks an entry point, the rest is split at NUL bytes into
// its inputs (policy, options, inventory, plist, PEM, ...). Whatever the bytes, a call must return a
// defined status with a complete, NUL-terminated JSON answer, and free cleanly (ASan/UBSan watch).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "acmepolicy.h"

namespace {

// Seeds start with 0-8 for the first nine; appended entry points take the next numbers, so seeds keep
// their meaning.
constexpr int kEntryPoints = 15;

void require(bool condition) {
    if (!condition) std::abort();  // a broken ABI promise: libFuzzer reports the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int entry = data[0] % kEntryPoints;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string_view> in;
    while (in.size() < 3) {
        const std::size_t nul = rest.find('\0');
        if (nul == std::string_view::npos) break;
        in.push_back(rest.substr(0, nul));
        rest.remove_prefix(nul + 1);
    }
    in.push_back(rest);
    while (in.size() < 4) in.emplace_back();
    // Empty inputs travel as (NULL, 0), exactly as C and Go callers pass them.
    auto ptr = [&](std::size_t i) { return in[i].empty() ? nullptr : in[i].data(); };

    acmepolicy_buffer json{nullptr, 0};
    acmepolicy_buffer bytes{nullptr, 0};
    acmepolicy_status status = ACMEPOLICY_OK;
    switch (entry) {
        case 0: status = acmepolicy_validate(ptr(0), in[0].size(), ptr(1), in[1].size(), &json); break;
        case 1: status = acmepolicy_validate_set(ptr(0), in[0].size(), ptr(1), in[1].size(), &json); break;
        case 2: status = acmepolicy_render(ptr(0), in[0].size(), ptr(1), in[1].size(), &json, &bytes); break;
        case 3: status = acmepolicy_verify_client_token(ptr(0), in[0].size(), &json); break;
        case 4:
            status = acmepolicy_resolve(ptr(0), in[0].size(), ptr(1), in[1].size(), ptr(2), in[2].size(), &json);
            break;
        case 5:
            status = acmepolicy_explain(ptr(0), in[0].size(), ptr(1), in[1].size(), ptr(2), in[2].size(), ptr(3),
                                        in[3].size(), &json);
            break;
        case 6:
            status = acmepolicy_plan(ptr(0), in[0].size(), ptr(1), in[1].size(), ptr(2), in[2].size(), ptr(3),
                                     in[3].size(), &json);
            break;
        case 7: status = acmepolicy_parse_plist(ptr(0), in[0].size(), &json); break;
        case 8: status = acmepolicy_inspect_certificate(ptr(0), in[0].size(), ptr(1), in[1].size(), &json); break;
        case 9: status = acmepolicy_parse_certificate_list(ptr(0), in[0].size(), ptr(1), in[1].size(), &json); break;
        case 10:
            status = acmepolicy_certificate_status(ptr(0), in[0].size(), ptr(1), in[1].size(), ptr(2), in[2].size(),
                                                   &json);
            break;
        case 11:
            status = acmepolicy_plan_renewals(ptr(0), in[0].size(), ptr(1), in[1].size(), ptr(2), in[2].size(), &json);
            break;
        case 12: status = acmepolicy_device_from_checkin(ptr(0), in[0].size(), ptr(1), in[1].size(), &json); break;
        case 13: status = acmepolicy_policy_targets(ptr(0), in[0].size(), &json); break;
        default: status = acmepolicy_render_remove_command(ptr(0), in[0].size(), &json, &bytes); break;
    }
    require(status == ACMEPOLICY_OK || status == ACMEPOLICY_INVALID_INPUT || status == ACMEPOLICY_BAD_ARGUMENTS ||
            status == ACMEPOLICY_NOT_FOUND);
    require(json.data != nullptr && json.len >= 2 && std::strlen(json.data) == json.len);
    require(json.data[0] == '{' && json.data[json.len - 1] == '}');
    require(bytes.data == nullptr || (status == ACMEPOLICY_OK && bytes.len > 0));
    acmepolicy_free(&json);
    acmepolicy_free(&bytes);
    return 0;
}
