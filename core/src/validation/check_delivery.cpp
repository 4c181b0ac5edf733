// Declarative delivery: a policy delivered as the declarative ACME credential (delivery "declarative", or
// "auto" for devices that support it) must fit that form, so the limits `render --format ddm` applies are
// checked when the policy is written, not when a device first needs it.
#include "validation/codes.hpp"
#include "validation/rules.hpp"

namespace acmepolicy::validation {

void check_delivery(const PolicyDraft& draft, Report& report) {
    const Policy& policy = draft.policy;
    if (policy.delivery == Delivery::profile || !draft.has_payload) return;
    const AcmePayload& acme = policy.payload;
    const std::string form = policy.delivery == Delivery::automatic ? "delivery \"auto\" (declarative on devices "
                                                                      "that support it)"
                                                                    : "delivery \"declarative\"";
    if (acme.key_type == "ECSECPrimeRandom" && acme.key_size == 192)
        emit(report, Code::delivery_ddm_ec192, "/payload/KeySize",
             "With " + form + ", KeySize 192 cannot be delivered: the declarative ACME credential does not accept "
             "P-192 keys. Use KeySize 256 or 384, or set delivery to \"profile\".");
    if (acme.key_is_extractable)
        emit(report, Code::delivery_ddm_macos_only_key, "/payload/KeyIsExtractable",
             "KeyIsExtractable is macOS-only; with " + form + " the declarative credential leaves it out. Remove it "
             "from the policy to silence this warning.");
    if (acme.allow_all_apps_access)
        emit(report, Code::delivery_ddm_macos_only_key, "/payload/AllowAllAppsAccess",
             "AllowAllAppsAccess is macOS-only; with " + form + " the declarative credential leaves it out. Remove "
             "it from the policy to silence this warning.");
}

}  // namespace acmepolicy::validation
