// device_from_checkin: the one mapping from a device's check-in or DeviceInformation answer to its record.
#include "acmepolicy/checkin.hpp"

#include <nlohmann/json.hpp>

namespace acmepolicy {
namespace {

/// ProductName prefixes and the platform they name. "iPad" must not be read as iOS: the prefixes are
/// distinct, so their order does not matter.
struct ProductFamily {
    const char* prefix;
    Platform platform;
};
constexpr ProductFamily kProductFamilies[] = {
    {"iPhone", Platform::iOS},       {"iPod", Platform::iOS},           {"iPad", Platform::iPadOS},
    {"Mac", Platform::macOS},        {"iMac", Platform::macOS},         {"VirtualMac", Platform::macOS},
    {"AppleTV", Platform::tvOS},     {"Watch", Platform::watchOS},      {"RealityDevice", Platform::visionOS},
};

std::optional<Platform> platform_of(const std::string& product) {
    for (const ProductFamily& family : kProductFamilies)
        if (product.rfind(family.prefix, 0) == 0) return family.platform;
    return std::nullopt;
}

/// A non-empty string member of a dictionary, else nullptr.
const std::string* text(const plist::Value& dict, const char* key) {
    const plist::Value* v = dict.find(key);
    const std::string* s = v ? v->as_string() : nullptr;
    return s && !s->empty() ? s : nullptr;
}

void set(std::optional<std::string>& field, const plist::Value& dict, const char* key) {
    if (const std::string* s = text(dict, key)) field = *s;
}

bool is_user_channel_type(const std::string& type) {
    return type == "User" || type == "Shared iPad" || type == "User Enrollment";
}

}  // namespace

const char* to_string(CheckinKind kind) noexcept {
    switch (kind) {
        case CheckinKind::authenticate: return "Authenticate";
        case CheckinKind::token_update: return "TokenUpdate";
        case CheckinKind::device_information: return "DeviceInformation";
    }
    return "Authenticate";
}

CheckinMapping device_from_checkin(const plist::Value& message, const CheckinContext& context) {
    CheckinMapping out;
    out.user_channel = is_user_channel_type(context.enrollment_type);
    if (!message.as_dict()) {
        out.report.error("checkin.not_dict", "",
                         "A check-in message is a property list whose top-level value is a dictionary.");
        return out;
    }
    const plist::Value* responses = message.find("QueryResponses");
    const std::string* type = text(message, "MessageType");
    std::optional<CheckinKind> kind;
    if (type && *type == "Authenticate") kind = CheckinKind::authenticate;
    else if (type && *type == "TokenUpdate") kind = CheckinKind::token_update;
    else if (!type && responses && responses->as_dict()) kind = CheckinKind::device_information;
    if (!kind) {
        out.report.error("checkin.unsupported", type ? "/MessageType" : "",
                         type ? "Only Authenticate and TokenUpdate check-ins carry device facts; \"" + *type +
                                    "\" does not."
                              : std::string("The message is neither a check-in (no MessageType) nor a DeviceInformation "
                                            "answer (no QueryResponses dictionary)."));
        return out;
    }

    DeviceRecord record;
    if (context.device) record = *context.device;
    else record.id = context.id;
    if (record.id.empty() && *kind != CheckinKind::device_information) {
        if (const std::string* udid = text(message, "UDID")) record.id = *udid;
        else if (const std::string* enrollment_id = text(message, "EnrollmentID")) record.id = *enrollment_id;
    }
    if (record.id.empty()) {
        out.report.error("checkin.no_id", "",
                         "The message names no device: give the record's id (or its current record), or a check-in "
                         "with a UDID or an EnrollmentID.");
        return out;
    }

    const plist::Value& facts = *kind == CheckinKind::device_information ? *responses : message;
    if (*kind != CheckinKind::device_information) {
        // A user-channel check-in names a UserID; it is not the device channel that installs profiles.
        if (context.enrollment_type.empty() && text(message, "UserID")) out.user_channel = true;
        set(record.udid, facts, "UDID");
        set(record.serial_number, facts, "SerialNumber");
        set(record.enrollment_id, facts, "EnrollmentID");
    }
    set(record.os_version, facts, "OSVersion");
    set(record.device_name, facts, "DeviceName");
    if (const std::string* product = text(facts, "ProductName")) {
        record.product_name = *product;
        if (auto platform = platform_of(*product)) record.platform = platform;
    }
    if (*kind == CheckinKind::device_information) {
        if (const plist::Value* v = facts.find("IsSupervised"))
            if (const bool* b = std::get_if<bool>(&v->v)) record.supervised = *b;
    } else if (!record.enrollment || *record.enrollment == Enrollment::none) {
        const bool user_enrollment = context.enrollment_type == "User Enrollment (Device)" ||
                                     (context.enrollment_type.empty() && !record.udid && record.enrollment_id);
        record.enrollment = user_enrollment ? Enrollment::user : Enrollment::device;
    }
    out.changed = !context.device || to_json(record) != to_json(*context.device);
    out.kind = kind;
    out.device = std::move(record);
    return out;
}

}  // namespace acmepolicy
