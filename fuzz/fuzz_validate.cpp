// libFuzzer target: arbitrary bytes as a policy document through check_policy and the facade.
// Validation must never crash, never throw, and always return a well-formed result. check_policy reads
// plainly valid text with its own reader and leaves the rest to read_json; both must give the answer
// that read_json plus check_policy of the parsed value give, so the two readers are compared here too, and
// the answer's own writer is compared with nlohmann's.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "api/report_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    acmepolicy::ValidationOptions options;
    options.now = 1'795'000'000;  // a fixed time, so certificate validity is exercised deterministically
    const acmepolicy::PolicyCheck check = acmepolicy::check_policy(text, options);
    // A valid report always comes with the typed policy.
    if (check.report.valid() && !check.policy) std::abort();
    for (const auto& d : check.report.diagnostics())
        if (d.code.empty() || d.message.empty()) std::abort();

    // The same answer through nlohmann: read_json's findings alone when it reads no value; otherwise,
    // for a text read_json finds nothing to say about, what check_policy says of the parsed value.
    const acmepolicy::JsonReadResult read = acmepolicy::read_json(text);
    if (!read.value) {
        if (!(check.report.diagnostics() == read.report.diagnostics())) std::abort();
    } else if (read.report.empty()) {
        const acmepolicy::PolicyCheck parsed = acmepolicy::check_policy(*read.value, options);
        if (!(check.report.diagnostics() == parsed.report.diagnostics())) std::abort();
        if (check.policy.has_value() != parsed.policy.has_value()) std::abort();
    }

    // The answer is written without a DOM; it must be what nlohmann writes of the same report.
    if (acmepolicy::detail::report_answer(check.report) !=
        acmepolicy::to_json(check.report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        std::abort();

    const acmepolicy::ApiResult result = acmepolicy::api_validate(text, "");
    if (result.status == acmepolicy::ApiStatus::internal_error) std::abort();
    if (!nlohmann::json::accept(result.json)) std::abort();
    return 0;
}
