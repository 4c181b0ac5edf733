// The shape of a NanoMDM/MicroMDM webhook event and the form it is journaled in.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acmepolicy/plist.hpp"

namespace acmepolicy::server {

struct EventProblem {
    std::string path;     // JSON pointer of the offending field
    std::string message;  // one sentence
};

/// Every field the server reads from an event, type-checked: `topic` a string; `event_id`, `created_at`
/// strings; `checkin_event` / `acknowledge_event` objects whose `udid`, `enrollment_id`, `raw_payload`,
/// `command_uuid` and `status` are strings and whose `ids` is an object of strings. Absent or null fields
/// are fine (the event then applies to nothing); a field of the wrong type is a problem.
std::vector<EventProblem> event_shape_problems(const nlohmann::json& event);

/// The event as the journal keeps it: `raw_payload` replaced by `payload`, the decoded plist as JSON with
/// every secret (UnlockToken, PushMagic, Token, BootstrapToken, Challenge, ...) replaced by "[redacted]".
/// When the plist could not be read the raw payload is dropped.
nlohmann::json journal_form(const nlohmann::json& event, const plist::Value* payload);

}  // namespace acmepolicy::server
