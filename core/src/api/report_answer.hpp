// The answer of a validation written straight into text, without building an nlohmann DOM first.
#pragma once

#include <string>

#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy::detail {

/// `to_json(report)` serialised as api_json serialises it ({"diagnostics":[{"code","message","path",
/// "severity"}...],"valid":bool}: keys sorted, compact, UTF-8 passed through, control characters escaped),
/// byte for byte. Every validation answer is this document, so it skips the DOM and its allocations: the
/// fixed cost of a call is what a browser (and the CLI on a small policy) pays most of. A report holding
/// text that is not valid UTF-8 is left to nlohmann, whose replacement of such bytes this does not copy.
/// Throws only std::bad_alloc.
std::string report_answer(const Report& report);

}  // namespace acmepolicy::detail
