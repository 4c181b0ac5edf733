// libFuzzer target: arbitrary bytes as a request body through the server's strict JSON reader, and, when it
// is an object, through the webhook's decoding: the field type checks, the raw_payload plist and the
// redacted journal form. None of it may crash or throw; a value accepted by the shape check must be
// readable the way the webhook handler reads it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "server/json_body.hpp"
#include "server/webhook_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    acmepolicy::server::JsonBody body = acmepolicy::server::read_json_body(text);
    if (!body.value) {
        if (body.message.empty() || body.diagnostics.empty()) std::abort();
        return 0;
    }
    const nlohmann::json& event = *body.value;
    auto problems = acmepolicy::server::event_shape_problems(event);
    for (const auto& p : problems)
        if (p.message.empty()) std::abort();
    if (!problems.empty()) {
        (void)acmepolicy::server::journal_form(event, nullptr).dump();
        return 0;
    }
    if (!event["topic"].is_string()) std::abort();  // the shape check promises it
    std::optional<acmepolicy::plist::Value> payload;
    for (const char* key : {"checkin_event", "acknowledge_event"}) {
        auto it = event.find(key);
        if (it == event.end() || !it->is_object()) continue;
        auto raw = it->find("raw_payload");
        if (raw == it->end() || raw->is_null()) continue;
        if (!raw->is_string()) std::abort();
        if (auto bytes = acmepolicy::crypto::base64_decode(raw->get<std::string>())) {
            auto read = acmepolicy::plist::read_xml(*bytes);
            if (read.value && read.report.valid()) payload = std::move(read.value);
        }
    }
    const std::string journaled = acmepolicy::server::journal_form(event, payload ? &*payload : nullptr).dump();
    if (!nlohmann::json::accept(journaled)) std::abort();
    return 0;
}
