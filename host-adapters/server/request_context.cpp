// Per-thread request context (see request_context.hpp).
#include "server/request_context.hpp"

namespace acmepolicy::server {

namespace {
thread_local Caller caller;
thread_local ChangeNote change;
}  // namespace

Caller& current_caller() { return caller; }
ChangeNote& current_change() { return change; }

void reset_request_context() {
    caller = Caller{};
    change = ChangeNote{};
}

}  // namespace acmepolicy::server
