// Event shape checks and secret redaction for the webhook journal.
#include "server/webhook_event.hpp"

#include <set>

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

void expect_string(const json& object, const char* key, const std::string& base, std::vector<EventProblem>& out) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null() || it->is_string()) return;
    out.push_back({base + "/" + key, std::string("\"") + key + "\" must be a string."});
}

void check_inner(const json& inner, const std::string& base, std::vector<EventProblem>& out) {
    if (!inner.is_object()) {
        out.push_back({base, "\"" + base.substr(1) + "\" must be an object."});
        return;
    }
    for (const char* key : {"udid", "enrollment_id", "raw_payload", "command_uuid", "status"})
        expect_string(inner, key, base, out);
    if (auto ids = inner.find("ids"); ids != inner.end() && !ids->is_null()) {
        if (!ids->is_object()) {
            out.push_back({base + "/ids", "\"ids\" must be an object."});
        } else {
            for (const char* key : {"id", "type"}) expect_string(*ids, key, base + "/ids", out);
        }
    }
}

const std::set<std::string>& secret_keys() {
    static const std::set<std::string> keys = {"UnlockToken", "PushMagic", "Token", "BootstrapToken", "Challenge",
                                               "PushToken", "Password", "EnrollmentUserPassword"};
    return keys;
}

void redact(json& value) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (secret_keys().count(it.key())) *it = "[redacted]";
            else redact(*it);
        }
    } else if (value.is_array()) {
        for (auto& item : value) redact(item);
    }
}

}  // namespace

std::vector<EventProblem> event_shape_problems(const json& event) {
    std::vector<EventProblem> out;
    if (!event.is_object()) {
        out.push_back({"", "The event must be a JSON object."});
        return out;
    }
    auto topic = event.find("topic");
    if (topic == event.end() || !topic->is_string())
        out.push_back({"/topic", "\"topic\" must be a string (e.g. \"mdm.Authenticate\")."});
    expect_string(event, "event_id", "", out);
    expect_string(event, "created_at", "", out);
    for (const char* key : {"checkin_event", "acknowledge_event"})
        if (auto it = event.find(key); it != event.end() && !it->is_null()) check_inner(*it, std::string("/") + key, out);
    return out;
}

json journal_form(const json& event, const plist::Value* payload) {
    json out = event;
    for (const char* key : {"checkin_event", "acknowledge_event"}) {
        auto it = out.find(key);
        if (it == out.end() || !it->is_object()) continue;
        if (it->contains("raw_payload")) {
            it->erase("raw_payload");
            if (payload) {
                json decoded = plist::to_json(*payload);
                redact(decoded);
                (*it)["payload"] = std::move(decoded);
            }
        }
        redact(*it);
    }
    return out;
}

}  // namespace acmepolicy::server
