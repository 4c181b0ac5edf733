// step-ca AUTHORIZING webhook: the ACME server asks whether an attested device may get a certificate.
#include "server/stepca_webhook.hpp"

#include "acmepolicy/crypto.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

bool stepca_signature_valid(const std::string& secret_b64, const std::string& body, const std::string& signature_hex) {
    auto key = crypto::base64_decode(secret_b64);
    auto given = crypto::from_hex(signature_hex);
    if (!key || key->empty() || !given) return false;
    auto mac = crypto::hmac_sha256(*key, body);
    return crypto::constant_time_equal(*given, std::string(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

void add_stepca_route(Router& router, ServerContext& ctx) {
    router.add("POST", "/webhook/step-ca", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        auto deny = [&](const std::string& code, const std::string& message) {
            send_json(res, 200, {{"allow", false}, {"error", {{"code", code}, {"message", message}}}});
        };
        if (ctx.config.stepca_webhook_secret.empty())
            return send_error(res, 404, "http.not_found", "The step-ca webhook is off; start the server with --stepca-webhook-secret.");
        if (!stepca_signature_valid(ctx.config.stepca_webhook_secret, req.body, req.get_header_value("X-Smallstep-Signature")))
            return send_error(res, 401, "webhook.signature_invalid",
                              "X-Smallstep-Signature does not match the body; check the webhook secret.");
        JsonBody parsed = read_json_body(req.body);
        if (!parsed.value) return send_error(res, 400, "request.invalid_json", parsed.message, parsed.diagnostics);
        const nlohmann::json& body = *parsed.value;
        std::string identifier;
        if (body.is_object())
            if (auto a = body.find("attestationData"); a != body.end() && a->is_object()) {
                bool typed = true;
                identifier = string_field(*a, "permanentIdentifier", typed).value_or("");
                if (!typed)
                    return send_error(res, 400, "request.invalid",
                                      "attestationData.permanentIdentifier must be a string.");
            }
        if (identifier.empty()) return deny("stepca.no_identifier", "The request carries no attested permanent identifier.");
        bool allow = false;
        std::string device_id;
        ctx.store->transaction([&](Db& db) {
            auto device = ctx.store->device_by_identifier(db, identifier);
            if (!device || !device->enrolled) return;
            device_id = device->id;
            for (const auto& a : ctx.store->assignments_of_device(db, device->id))
                if (a.status == "installed" || a.status == "pending") allow = true;
        });
        log_info("step-ca authorisation", {{"identifier", identifier}, {"device", device_id}, {"allow", allow}});
        if (!allow)
            return deny("stepca.not_authorized",
                        device_id.empty() ? "No enrolled device has this serial number or UDID."
                                          : "The device has no ACME policy assigned.");
        send_json(res, 200, {{"allow", true}});
    });
}

}  // namespace acmepolicy::server
