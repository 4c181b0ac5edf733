// Strict JSON reading for untrusted documents: size and nesting limits, duplicate keys reported.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy {

struct JsonLimits {
    std::size_t max_document_bytes = 1024 * 1024;  // 1 MiB
    std::size_t max_depth = 32;
    std::size_t max_string_bytes = 4096;
};

/// The result of reading a JSON text. `value` is present unless the text is not JSON (or breaks a hard
/// limit: size, depth); `report` then holds a `json.syntax` (with line and column) or `json.*` limit
/// error. Duplicate object keys do not stop reading: each adds a `json.duplicate_key` error at the
/// duplicate's path, and the first occurrence is kept. Over-long strings add `json.string_too_long`.
/// Invalid UTF-8 is a `json.syntax` error. Never throws for bad input.
struct JsonReadResult {
    std::optional<nlohmann::json> value;
    Report report;
    std::size_t error_line = 0;    // 1-based, set with a syntax error
    std::size_t error_column = 0;  // 1-based, set with a syntax error
};

JsonReadResult read_json(std::string_view text, const JsonLimits& limits = {});

}  // namespace acmepolicy
