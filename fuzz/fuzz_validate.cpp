// libFuzzer target: arbitrary bytes as a policy document through check_policy and the facade.
// Validation must never crash, never throw, and always return a well-formed result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    acmepolicy::ValidationOptions options;
    options.now = 1'795'000'000;  // a fixed time, so certificate validity is exercised deterministically
    const acmepolicy::PolicyCheck check = acmepolicy::check_policy(text, options);
    // A valid report always comes with the typed policy.
    if (check.report.valid() && !check.policy) std::abort();
    for (const auto& d : check.report.diagnostics())
        if (d.code.empty() || d.message.empty()) std::abort();

    const acmepolicy::ApiResult result = acmepolicy::api_validate(text, "");
    if (result.status == acmepolicy::ApiStatus::internal_error) std::abort();
    if (!nlohmann::json::accept(result.json)) std::abort();
    return 0;
}
