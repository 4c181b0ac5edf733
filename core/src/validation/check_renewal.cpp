// Rule 18: the optional `renewal` object ({"before_days", "fraction"}), read and checked in one place so
// the rest of the document reader stays untouched by it.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::string_view kRenewalKeys[] = {"before_days", "fraction"};
constexpr Alias kRenewalAliases[] = {
    {"days", "before_days"},        {"days_before", "before_days"}, {"beforeDays", "before_days"},
    {"renew_before_days", "before_days"}, {"ratio", "fraction"},    {"percent", "fraction"},
    {"share", "fraction"},
};

void before_days(JsonValue value, RenewalSettings& out, Report& report) {
    const std::string path = "/renewal/before_days";
    std::int64_t days = 0;
    if (value.is_number_unsigned()) {
        const auto u = value.unsigned_integer();
        days = u > 1000000u ? 1000000 : static_cast<std::int64_t>(u);
    } else if (value.is_number_integer()) {
        days = value.integer();
    } else {
        std::string message = "before_days must be an integer number of days, not " +
                              std::string(json_type_words(value)) + ".";
        if (value.is_string()) message += " Write it without quotes, for example 30.";
        else if (value.is_number_float()) message += " Write whole days, for example 30.";
        emit(report, Code::document_wrong_type, path, std::move(message));
        return;
    }
    if (days < 1 || days > 365) {
        emit(report, Code::renewal_before_days, path,
             "before_days " + std::to_string(days) +
                 " is out of range: give a whole number of days from 1 to 365 (30 is the default), the time "
                 "before expiry at which a device gets its profile again.");
        return;
    }
    out.before_days = days;
}

void fraction(JsonValue value, RenewalSettings& out, Report& report) {
    const std::string path = "/renewal/fraction";
    if (!value.is_number()) {
        std::string message = "fraction must be a number between 0 and 1, not " +
                              std::string(json_type_words(value)) + ".";
        if (value.is_string()) message += " Write it without quotes, for example 0.5.";
        emit(report, Code::document_wrong_type, path, std::move(message));
        return;
    }
    const double f = value.number();
    if (!std::isfinite(f) || f <= 0.0 || f >= 1.0) {
        emit(report, Code::renewal_fraction, path,
             "fraction " + value.dump_number() +
                 " is out of range: give a number greater than 0 and less than 1 (0.5, the default, renews "
                 "short-lived certificates when half their validity is left).");
        return;
    }
    out.fraction = f;
}

}  // namespace

void check_renewal(JsonValue document, PolicyDraft& draft, Report& report) {
    if (!document.is_object()) return;
    const JsonValue renewal = document.find("renewal");
    if (!renewal || renewal.is_null()) return;
    if (!renewal.is_object()) {
        emit(report, Code::document_wrong_type, "/renewal",
             std::string("renewal must be an object such as {\"before_days\": 30, \"fraction\": 0.5}, not ") +
                 json_type_words(renewal) + ".");
        return;
    }
    for (const auto& item : renewal.children()) {
        const std::string_view key = item.key();
        bool known = false;
        for (const auto& k : kRenewalKeys) known = known || k == key;
        if (known) continue;
        auto suggestion = suggest(key, kRenewalKeys, kRenewalAliases);
        emit(report, Code::document_unknown_key, json_pointer_append("/renewal", std::string(key)),
             "Unknown key " + quote_text(key) + " in renewal." +
                 (suggestion ? did_you_mean(suggestion) + " Keys are case-sensitive and spelled exactly as documented."
                             : std::string(" renewal takes before_days and fraction only.")));
    }
    RenewalSettings settings;
    const JsonValue b = renewal.find("before_days");
    const JsonValue f = renewal.find("fraction");
    if (b) before_days(b, settings, report);
    if (f) fraction(f, settings, report);
    if (!b && !f)
        emit(report, Code::renewal_empty, "/renewal",
             "renewal gives neither before_days nor fraction, so the default rule applies (30 days, or half the "
             "validity of certificates valid for less than 60 days); add a value or remove renewal.");
    draft.policy.renewal = settings;
}

}  // namespace acmepolicy::validation
