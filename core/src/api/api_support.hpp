// Shared plumbing of the facade: option parsing, error documents, and the no-throw guard.
#pragma once

#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy::detail {

/// {"error": {"code", "message"}} with the given status.
ApiResult api_error(ApiStatus status, const std::string& code, const std::string& message);

/// A result whose json is `value` serialised (compact, UTF-8; invalid UTF-8 replaced, never thrown).
ApiResult api_json(ApiStatus status, const nlohmann::json& value);

/// Reads an options object ("" means {}). On failure returns nullopt and sets `error` to a bad_arguments
/// result naming the problem.
std::optional<nlohmann::json> read_options(std::string_view options_json, ApiResult& error);

/// Reads the optional "now" (RFC 3339) option. Returns false (with `error` set) when it is malformed.
bool read_now(const nlohmann::json& options, std::optional<std::int64_t>& now, ApiResult& error);

/// Runs `body`, turning any escaping exception into internal_error so no exception leaves the facade.
template <typename Body>
ApiResult guarded(Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        ApiResult r;
        r.status = ApiStatus::internal_error;
        r.json = R"({"error":{"code":"internal.out_of_memory","message":"Out of memory."}})";
        return r;
    } catch (const std::exception& ex) {
        try {
            return api_error(ApiStatus::internal_error, "internal.exception", ex.what());
        } catch (...) {
        }
    } catch (...) {
    }
    ApiResult r;
    r.status = ApiStatus::internal_error;
    r.json = R"({"error":{"code":"internal.unknown","message":"Unexpected internal failure."}})";
    return r;
}

}  // namespace acmepolicy::detail
