// What the HTTP front knows about the request being answered, for the audit log: who sent it (the bearer
// token's name and scope) and what a handler noted about the change it made (before/after of a policy).
// Held per thread: cpp-httplib answers each request on one worker thread from routing to the response.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace acmepolicy::server {

/// The sender of the current request. `token_id` is "" for the admin token file.
struct Caller {
    std::string name, scope, token_id;
};

/// What a handler says about the write it made, beyond what its method and path tell.
struct ChangeNote {
    std::string target_type, target_id;       // set when the path does not name the target (a create)
    std::optional<nlohmann::json> before, after;  // the object before and after the change (policies)
    std::optional<std::int64_t> restored_from;    // a policy write that restores this version
};

/// The current request's caller; empty outside a request or before authentication.
Caller& current_caller();
/// The current request's change note; reset with the caller.
ChangeNote& current_change();
/// Forgets the previous request's caller and note (the front calls it first for every request).
void reset_request_context();

}  // namespace acmepolicy::server
