// api_render_remove_command: RemoveProfile from what the host recorded (a payload identifier, or a policy id
// and prefix), so that no host needs the policy document or rebuilds the identifier scheme.
#include <string>

#include "acmepolicy/api.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/render.hpp"
#include "api/api_support.hpp"
#include "validation/rules.hpp"

namespace acmepolicy {
namespace {

constexpr std::size_t kMaxRandomBytes = 1024;

const char* const kOptionKeys[] = {"payload_identifier", "policy_id", "identifier_prefix", "command_uuid",
                                   "random_hex"};

ApiResult bad_option(const std::string& key, const std::string& message) {
    return detail::api_error(ApiStatus::bad_arguments, "options." + key, message);
}

bool string_option(const nlohmann::json& options, const char* key, std::optional<std::string>& out, ApiResult& error) {
    auto it = options.find(key);
    if (it == options.end() || it->is_null()) return true;
    if (!it->is_string()) {
        error = bad_option(key, std::string("\"") + key + "\" must be a string.");
        return false;
    }
    out = it->get<std::string>();
    return true;
}

}  // namespace

ApiResult api_render_remove_command(std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        auto options = detail::read_options(options_json, error);
        if (!options) return error;
        for (const auto& item : options->items()) {
            bool known = false;
            for (const char* key : kOptionKeys) known = known || item.key() == key;
            if (!known)
                return bad_option("unknown_key", "\"" + item.key() + "\" is not a remove-command option; use "
                                                 "payload_identifier or policy_id (and identifier_prefix), "
                                                 "command_uuid, random_hex.");
        }
        std::optional<std::string> identifier, policy_id, prefix, random_hex;
        RenderOptions render;
        if (!string_option(*options, "payload_identifier", identifier, error) ||
            !string_option(*options, "policy_id", policy_id, error) ||
            !string_option(*options, "identifier_prefix", prefix, error) ||
            !string_option(*options, "command_uuid", render.command_uuid, error) ||
            !string_option(*options, "random_hex", random_hex, error))
            return error;
        if (identifier.has_value() == policy_id.has_value() || (identifier && prefix))
            return bad_option("invalid", "Give either \"payload_identifier\" (the identifier the device has) or "
                                         "\"policy_id\" (with \"identifier_prefix\" when it is not the default).");
        if (prefix) render.identifier_prefix = *prefix;
        if (random_hex) {
            auto bytes = crypto::from_hex(*random_hex);
            if (!bytes || bytes->size() > kMaxRandomBytes)
                return bad_option("random_hex", "\"random_hex\" must be an even number of hexadecimal digits (at "
                                                "most 1024 bytes), e.g. 32 digits for a CommandUUID.");
            render.random_bytes = std::move(*bytes);
        }

        RenderResult rendered;
        if (identifier) {
            rendered = render_remove_command(*identifier, render);
        } else if (!validation::is_valid_policy_id(*policy_id)) {
            rendered.report.error("render.identifier_invalid", "/options/policy_id",
                                  "The policy id is not one a policy can have: 1 to 64 characters of lower-case "
                                  "letters, digits, '.', '_' and '-', starting with a letter or digit.");
        } else {
            Policy policy;  // RemoveProfile depends on nothing of a policy but its id
            policy.id = *policy_id;
            rendered = render_remove_command(policy, render);
        }
        nlohmann::json result = {{"ok", rendered.ok()},
                                 {"format", "remove-command"},
                                 {"content_type", rendered.content_type},
                                 {"payload_identifier", rendered.identity.payload_identifier},
                                 {"diagnostics", to_json(rendered.report)["diagnostics"]}};
        ApiResult out = detail::api_json(rendered.ok() ? ApiStatus::ok : ApiStatus::invalid_input, result);
        if (rendered.ok()) out.bytes = std::move(rendered.bytes);
        return out;
    });
}

}  // namespace acmepolicy
