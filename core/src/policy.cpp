// Small helpers of the policy model.
#include "acmepolicy/policy.hpp"

namespace acmepolicy {

const char* to_string(ServerProfile profile) noexcept {
    return profile == ServerProfile::step_ca ? "step-ca" : "generic";
}

const char* to_string(Delivery delivery) noexcept {
    switch (delivery) {
    case Delivery::declarative: return "declarative";
    case Delivery::automatic: return "auto";
    case Delivery::profile: break;
    }
    return "profile";
}

std::string derive_policy_id(const std::string& name) {
    std::string id;
    bool pending_dash = false;
    for (unsigned char c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (pending_dash && !id.empty()) id.push_back('-');
            pending_dash = false;
            id.push_back(static_cast<char>(c));
        } else {
            pending_dash = true;
        }
        if (id.size() >= 64) break;
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id.empty() ? "policy" : id;
}

}  // namespace acmepolicy
