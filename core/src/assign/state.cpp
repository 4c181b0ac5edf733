// The installed-profile state: reading, writing and normalizing it.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "acmepolicy/plan.hpp"

namespace acmepolicy {
namespace {

bool entry_less(const InstalledProfile& a, const InstalledProfile& b) {
    if (a.device_id != b.device_id) return a.device_id < b.device_id;
    return a.policy_id < b.policy_id;
}

bool read_identity_field(const nlohmann::json& entry, const char* key, const std::string& path, std::string& out,
                         Report& report) {
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        report.error(it == entry.end() ? "state.missing" : "state.type", json_pointer_append(path, key),
                     std::string("Each installed profile needs \"") + key + "\" as a non-empty string.");
        return false;
    }
    out = it->get<std::string>();
    return true;
}

}  // namespace

void State::normalize() {
    std::stable_sort(profiles.begin(), profiles.end(), entry_less);
    profiles.erase(std::unique(profiles.begin(), profiles.end(),
                               [](const InstalledProfile& a, const InstalledProfile& b) {
                                   return a.device_id == b.device_id && a.policy_id == b.policy_id;
                               }),
                   profiles.end());
}

State read_state(const nlohmann::json& document, Report& report) {
    State state;
    if (!document.is_object()) {
        report.error("state.type", "", "A state must be an object {\"devices\": {...}}.");
        return state;
    }
    for (const auto& item : document.items())
        if (item.key() != "devices")
            report.error("state.unknown_key", json_pointer_append("", item.key()),
                         "\"" + item.key() + "\" is not a state field; the only field is devices.");
    auto devices = document.find("devices");
    if (devices == document.end() || devices->is_null()) return state;
    if (!devices->is_object()) {
        report.error("state.type", "/devices",
                     "\"devices\" must map device ids to {\"<policy id>\": {\"payload_identifier\", "
                     "\"payload_uuid\"}}.");
        return state;
    }
    for (const auto& device : devices->items()) {
        const std::string device_path = json_pointer_append("/devices", device.key());
        if (!device.value().is_object()) {
            report.error("state.type", device_path, "A device's entry must map policy ids to installed profiles.");
            continue;
        }
        for (const auto& policy : device.value().items()) {
            const std::string path = json_pointer_append(device_path, policy.key());
            const auto& entry = policy.value();
            if (!entry.is_object()) {
                report.error("state.type", path,
                             "An installed profile must be {\"payload_identifier\", \"payload_uuid\"}.");
                continue;
            }
            bool ok = true;
            for (const auto& field : entry.items())
                if (field.key() != "payload_identifier" && field.key() != "payload_uuid") {
                    report.error("state.unknown_key", json_pointer_append(path, field.key()),
                                 "\"" + field.key() +
                                     "\" is not an installed-profile field; the fields are payload_identifier "
                                     "and payload_uuid.");
                    ok = false;
                }
            InstalledProfile profile{device.key(), policy.key(), {}};
            ok = read_identity_field(entry, "payload_identifier", path, profile.identity.payload_identifier, report) &&
                 ok;
            ok = read_identity_field(entry, "payload_uuid", path, profile.identity.payload_uuid, report) && ok;
            if (ok) state.profiles.push_back(std::move(profile));
        }
    }
    state.normalize();
    return state;
}

nlohmann::json to_json(const State& state) {
    nlohmann::json devices = nlohmann::json::object();
    for (const auto& p : state.profiles)
        devices[p.device_id][p.policy_id] = {{"payload_identifier", p.identity.payload_identifier},
                                             {"payload_uuid", p.identity.payload_uuid}};
    return nlohmann::json{{"devices", std::move(devices)}};
}

}  // namespace acmepolicy
