// api_render and api_verify_client_token: the facade over render.hpp (options documented in
// docs/rendering.md).
#include <string>

#include "acmepolicy/api.hpp"
#include "acmepolicy/certificate.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/render.hpp"
#include "acmepolicy/validate.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {
namespace {

// Render options may carry PEM chains and 4 KiB device values: larger strings than policy documents.
constexpr std::size_t kMaxOptionString = 256u * 1024;
constexpr std::size_t kMaxRandomBytes = 1024;

const char* const kOptionKeys[] = {"format",       "device",          "preview",
                                   "identifier_prefix", "organization", "description",
                                   "client_token_secret", "signing",   "ddm_base_url",
                                   "ddm_authentication", "ddm_accessible", "command_uuid",
                                   "random_hex",   "now"};

ApiResult bad_option(const std::string& key, const std::string& message) {
    return detail::api_error(ApiStatus::bad_arguments, "options." + key, message);
}

// Reads an optional string member; false (with `error`) when present with another type.
bool read_string(const nlohmann::json& object, const char* key, std::optional<std::string>& out, ApiResult& error,
                 const std::string& prefix = "") {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_string()) {
        error = bad_option(prefix + key, "\"" + prefix + key + "\" must be a string.");
        return false;
    }
    out = it->get<std::string>();
    return true;
}

struct ParsedOptions {
    RenderFormat format = RenderFormat::mobileconfig;
    std::optional<nlohmann::json> device_json;
    RenderOptions render;
    std::optional<std::int64_t> now;
};

bool parse_options(std::string_view options_json, ParsedOptions& parsed, ApiResult& error) {
    nlohmann::json options = nlohmann::json::object();
    if (!options_json.empty()) {
        JsonLimits limits;
        limits.max_string_bytes = kMaxOptionString;
        JsonReadResult read = read_json(options_json, limits);
        if (!read.value || !read.report.valid() || !read.value->is_object()) {
            std::string message = "The options must be a JSON object";
            if (!read.report.diagnostics().empty()) message += ": " + read.report.diagnostics().front().message;
            error = detail::api_error(ApiStatus::bad_arguments, "options.invalid", message);
            return false;
        }
        options = std::move(*read.value);
    }
    for (const auto& item : options.items()) {
        bool known = false;
        for (const char* key : kOptionKeys) known = known || item.key() == key;
        if (!known) {
            error = bad_option("unknown_key", "\"" + item.key() + "\" is not a render option; see docs/rendering.md.");
            return false;
        }
    }

    std::optional<std::string> text;
    if (!read_string(options, "format", text, error)) return false;
    if (text) {
        auto format = parse_render_format(*text);
        if (!format) {
            error = bad_option("format", "format \"" + *text +
                                             "\" is not one of mobileconfig, ddm, install-command, remove-command.");
            return false;
        }
        parsed.format = *format;
    }
    if (auto it = options.find("device"); it != options.end() && !it->is_null()) parsed.device_json = *it;
    if (auto it = options.find("preview"); it != options.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            error = bad_option("preview", "\"preview\" must be true or false.");
            return false;
        }
        parsed.render.preview = it->get<bool>();
    }
    RenderOptions& r = parsed.render;
    text.reset();
    if (!read_string(options, "identifier_prefix", text, error)) return false;
    if (text) r.identifier_prefix = *text;
    if (!read_string(options, "organization", r.organization, error)) return false;
    if (!read_string(options, "description", r.description, error)) return false;
    if (!read_string(options, "client_token_secret", r.client_token_secret, error)) return false;
    if (!read_string(options, "ddm_base_url", r.ddm_base_url, error)) return false;
    text.reset();
    if (!read_string(options, "ddm_authentication", text, error)) return false;
    if (text) r.ddm_authentication = *text;
    text.reset();
    if (!read_string(options, "ddm_accessible", text, error)) return false;
    if (text) r.ddm_accessible = *text;
    if (!read_string(options, "command_uuid", r.command_uuid, error)) return false;

    text.reset();
    if (!read_string(options, "random_hex", text, error)) return false;
    if (text) {
        auto bytes = crypto::from_hex(*text);
        if (!bytes || bytes->size() > kMaxRandomBytes) {
            error = bad_option("random_hex", "\"random_hex\" must be an even number of hexadecimal digits (at most "
                                             "1024 bytes), e.g. 32 digits for a CommandUUID.");
            return false;
        }
        r.random_bytes = std::move(*bytes);
    }
    if (!detail::read_now(options, parsed.now, error)) return false;
    r.signing_time = parsed.now;

    if (auto it = options.find("signing"); it != options.end() && !it->is_null()) {
        if (!it->is_object()) {
            error = bad_option("signing", "\"signing\" must be an object {\"certificate_pem\", \"key_pem\", \"chain_pem\"}.");
            return false;
        }
        for (const auto& item : it->items())
            if (item.key() != "certificate_pem" && item.key() != "key_pem" && item.key() != "chain_pem") {
                error = bad_option("unknown_key", "\"signing/" + item.key() +
                                                      "\" is not a signing option; use certificate_pem, key_pem, chain_pem.");
                return false;
            }
        std::optional<std::string> certificate, key, chain;
        if (!read_string(*it, "certificate_pem", certificate, error, "signing/") ||
            !read_string(*it, "key_pem", key, error, "signing/") || !read_string(*it, "chain_pem", chain, error, "signing/"))
            return false;
        if (!certificate || !key) {
            error = bad_option("signing", "\"signing\" needs both certificate_pem and key_pem.");
            return false;
        }
        r.signing = SigningMaterial{*certificate, *key, chain.value_or("")};
    }
    return true;
}

}  // namespace

ApiResult api_render(std::string_view policy_json, std::string_view options_json) {
    return detail::guarded([&] {
        ApiResult error;
        ParsedOptions parsed;
        if (!parse_options(options_json, parsed, error)) return error;

        nlohmann::json result = {{"ok", false}, {"format", to_string(parsed.format)}};
        Report report;
        std::optional<DeviceRecord> device;
        if (parsed.device_json) {
            device = read_device(*parsed.device_json, "/options/device", report);
            if (!device) {
                result["diagnostics"] = to_json(report)["diagnostics"];
                return detail::api_json(ApiStatus::invalid_input, result);
            }
        }

        ValidationOptions validation;
        validation.now = parsed.now;
        PolicyCheck check = check_policy(policy_json, validation);
        report.append(check.report);
        if (!check.policy || !check.report.valid()) {
            result["diagnostics"] = to_json(report)["diagnostics"];
            return detail::api_json(ApiStatus::invalid_input, result);
        }

        RenderResult rendered = render(*check.policy, device ? &*device : nullptr, parsed.format, parsed.render);
        report.append(rendered.report);
        result["ok"] = rendered.ok();
        result["content_type"] = rendered.content_type;
        result["payload_identifier"] = rendered.identity.payload_identifier;
        result["payload_uuid"] = rendered.identity.payload_uuid;
        result["signed"] = rendered.ok() && rendered.signed_profile;
        if (parsed.format == RenderFormat::ddm && rendered.ok()) result["credential_url"] = rendered.credential_url;
        result["diagnostics"] = to_json(report)["diagnostics"];

        ApiResult out = detail::api_json(rendered.ok() ? ApiStatus::ok : ApiStatus::invalid_input, result);
        if (rendered.ok()) out.bytes = std::move(rendered.bytes);
        return out;
    });
}

ApiResult api_verify_client_token(std::string_view request_json) {
    return detail::guarded([&] {
        ApiResult error;
        auto request = detail::read_options(request_json, error);
        if (!request) return error;
        std::optional<std::string> secret, policy_id, device_id, token;
        if (!read_string(*request, "secret", secret, error) || !read_string(*request, "policy_id", policy_id, error) ||
            !read_string(*request, "device_id", device_id, error) || !read_string(*request, "token", token, error))
            return error;
        if (!secret || !policy_id || !device_id || !token)
            return bad_option("invalid", "The request needs the strings \"secret\", \"policy_id\", \"device_id\" and "
                                         "\"token\".");
        return detail::api_json(ApiStatus::ok,
                                nlohmann::json{{"valid", verify_client_token(*secret, *policy_id, *device_id, *token)}});
    });
}

}  // namespace acmepolicy
