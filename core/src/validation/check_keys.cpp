// Rules 6-7: KeyType, KeySize, HardwareBound and Attest, alone and together (Apple's cross-field rules).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "acmepolicy/payload_keys.hpp"
#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::string_view kKeyTypes[] = {"RSA", "ECSECPrimeRandom"};
// Names of elliptic-curve keys in other tools, all meaning Apple's ECSECPrimeRandom.
constexpr Alias kKeyTypeAliases[] = {
    {"EC", "ECSECPrimeRandom"},        {"ECDSA", "ECSECPrimeRandom"},     {"ECC", "ECSECPrimeRandom"},
    {"ECDH", "ECSECPrimeRandom"},      {"ECSEC", "ECSECPrimeRandom"},     {"P-256", "ECSECPrimeRandom"},
    {"P-384", "ECSECPrimeRandom"},     {"P256", "ECSECPrimeRandom"},      {"P384", "ECSECPrimeRandom"},
    {"secp256r1", "ECSECPrimeRandom"}, {"secp384r1", "ECSECPrimeRandom"}, {"prime256v1", "ECSECPrimeRandom"},
    {"kSecAttrKeyTypeECSECPrimeRandom", "ECSECPrimeRandom"},          {"kSecAttrKeyTypeRSA", "RSA"},
    {"RSA-2048", "RSA"},               {"RSA2048", "RSA"},
};
// The sizes of each (KeyType, HardwareBound) come from the one key-size table (payload_keys.hpp), looked
// up once.
struct KeyRules {
    const KeySizeRule* rsa[2];
    const KeySizeRule* ec[2];
};
const KeySizeRule& rule_of(bool rsa, bool hardware_bound) {
    static const KeyRules rules = {{key_size_rule("RSA", false), key_size_rule("RSA", true)},
                                   {key_size_rule("ECSECPrimeRandom", false), key_size_rule("ECSECPrimeRandom", true)}};
    return *(rsa ? rules.rsa : rules.ec)[hardware_bound ? 1 : 0];
}

std::int64_t nearest_curve(std::int64_t size) {
    const KeySizeRule& ec = rule_of(false, false);
    std::int64_t best = ec.sizes[0];
    for (std::size_t i = 0; i < ec.size_count; ++i) {
        const std::int64_t s = ec.sizes[i];
        // Distances in unsigned arithmetic: a KeySize near the int64 limits must not overflow.
        const auto distance = [](std::int64_t a, std::int64_t b) {
            return a > b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
                         : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
        };
        const std::uint64_t d = distance(size, s);
        const std::uint64_t bd = distance(size, best);
        if (d < bd) best = s;
    }
    return best;
}

void check_rsa_size(std::int64_t size, Report& report) {
    const KeySizeRule& rsa = rule_of(true, false);
    if (!rsa.accepts(size)) {
        std::string hint = size % rsa.multiple_of != 0 && size >= rsa.min && size <= rsa.max
                               ? " (" + std::to_string(size) + " is not a multiple of " + std::to_string(rsa.multiple_of) + ")"
                               : std::string();
        emit(report, Code::keysize_rsa_range, "/payload/KeySize",
             "KeySize " + std::to_string(size) + " is not a valid RSA key size" + hint + ": use a multiple of " +
                 std::to_string(rsa.multiple_of) + " from " + std::to_string(rsa.min) + " to " +
                 std::to_string(rsa.max) + ", such as 2048 or 3072.");
    } else if (rsa.is_weak(size)) {
        emit(report, Code::keysize_rsa_weak, "/payload/KeySize",
             "An RSA KeySize of " + std::to_string(size) + " bits is weak; use " + std::to_string(rsa.weak_below) +
                 " or more.");
    }
}

void check_ec_size(std::int64_t size, Report& report) {
    const KeySizeRule& ec = rule_of(false, false);
    if (!ec.accepts(size)) {
        emit(report, Code::keysize_ec_curve, "/payload/KeySize",
             "KeySize " + std::to_string(size) +
                 " is not an EC curve size (ECSECPrimeRandom takes 192, 256, 384 or 521); did you mean " +
                 std::to_string(nearest_curve(size)) + "?");
    } else if (ec.is_weak(size)) {
        emit(report, Code::keysize_ec_weak, "/payload/KeySize",
             "KeySize 192 (P-192) is weak, and the declarative ACME credential (iOS 17+) does not accept it; use 256 "
             "or 384.");
    }
}

}  // namespace

void check_keys(const PolicyDraft& draft, Report& report) {
    const AcmePayload& p = draft.policy.payload;
    const std::string_view key_type = p.key_type;
    const bool type_known = draft.has_key_type && (key_type == std::string_view("RSA", 3) ||
                                                   key_type == std::string_view("ECSECPrimeRandom", 16));
    if (draft.has_key_type && !type_known) {
        const auto suggestion = suggest(p.key_type, kKeyTypes, kKeyTypeAliases);
        emit(report, Code::keytype_invalid, "/payload/KeyType",
             "KeyType " + quote_text(p.key_type) + " is not valid: write exactly \"ECSECPrimeRandom\" (elliptic curve) or "
             "\"RSA\"." + did_you_mean(suggestion));
    }
    const bool is_rsa = type_known && key_type.size() == 3;
    const bool is_ec = type_known && !is_rsa;
    if (draft.has_key_size) {
        if (is_rsa) check_rsa_size(p.key_size, report);
        if (is_ec) check_ec_size(p.key_size, report);
    }
    if (draft.has_hardware_bound && p.hardware_bound) {
        if (is_rsa && !rule_of(true, true).allowed)
            emit(report, Code::hardwarebound_key_type, "/payload/KeyType",
                 "HardwareBound is true, but the Secure Enclave makes only elliptic-curve keys: set KeyType to "
                 "\"ECSECPrimeRandom\" with KeySize 256 or 384 (or set HardwareBound to false).");
        else if (is_ec && draft.has_key_size && rule_of(false, false).accepts(p.key_size) &&
                 !rule_of(false, true).accepts(p.key_size))
            emit(report, Code::hardwarebound_key_size, "/payload/KeySize",
                 "HardwareBound is true, but the Secure Enclave supports only P-256 and P-384: set KeySize to 256 or "
                 "384 (or set HardwareBound to false).");
    }
    if (p.attest_enabled() && draft.has_hardware_bound && !p.hardware_bound)
        emit(report, Code::attest_requires_hardware_bound, "/payload/HardwareBound",
             "Attest is true, which requires HardwareBound true (only a Secure Enclave key can be attested): set "
             "HardwareBound to true (with ECSECPrimeRandom 256 or 384), or Attest to false.");
}

}  // namespace acmepolicy::validation
