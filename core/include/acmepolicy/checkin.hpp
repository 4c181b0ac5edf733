// Device records from what devices say: an Authenticate or TokenUpdate check-in, or a DeviceInformation
// answer, mapped to the device record (device.hpp) by one set of rules every host shares
// (docs/rendering.md, "Device records from check-ins").
#pragma once

#include <optional>
#include <string>

#include "acmepolicy/device.hpp"
#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/plist.hpp"

namespace acmepolicy {

/// What a message is, as device_from_checkin reads it.
enum class CheckinKind { authenticate, token_update, device_information };
/// "Authenticate", "TokenUpdate", "DeviceInformation".
const char* to_string(CheckinKind kind) noexcept;

/// The host's side of a check-in: which record the facts go into and which channel the MDM saw.
struct CheckinContext {
    /// The device's current record, when the host has one: the message's facts are merged into it.
    std::optional<DeviceRecord> device;
    /// The record's id when `device` is absent; when empty too, the message's UDID, else its EnrollmentID.
    std::string id;
    /// The MDM's name of the enrollment's channel (NanoMDM's webhook `ids.type`: "Device", "User Enrollment
    /// (Device)", "User", "Shared iPad", "User Enrollment"); empty when the MDM gives none (MicroMDM).
    std::string enrollment_type;
};

/// The record a message gives, and whether the message came on a user channel.
struct CheckinMapping {
    std::optional<CheckinKind> kind;  // absent when the message could not be mapped (see report)
    DeviceRecord device;
    /// The message came on a user's channel (enrollment_type User, Shared iPad or User Enrollment, or a
    /// check-in naming a UserID): profiles go to the device channel, so hosts leave such messages alone.
    bool user_channel = false;
    bool changed = false;  // the record differs from context.device (always true without one)
    Report report;         // checkin.* errors when kind is absent
};

/// Maps one message (a parsed XML plist) to the device record:
/// - Authenticate / TokenUpdate (MessageType): UDID, SerialNumber, EnrollmentID, DeviceName, OSVersion and
///   ProductName set udid, serial_number, enrollment_id, device_name, os_version and product_name (empty
///   strings and other types are ignored; absent facts keep the record's values);
/// - a DeviceInformation answer (a QueryResponses dictionary): OSVersion, ProductName, DeviceName and
///   IsSupervised only. Identifiers (UDID, SerialNumber) in an answer never change the record: a device's
///   self-report must not move it onto another record.
/// A ProductName of a known family (iPhone, iPod → iOS; iPad → iPadOS; Mac, iMac, VirtualMac → macOS;
/// AppleTV → tvOS; Watch → watchOS; RealityDevice → visionOS) sets the platform; an unknown product
/// leaves the platform as it was (never guessed). A check-in gives a record without an enrollment (or
/// with "none") the enrollment "user" for a User Enrollment (enrollment_type "User Enrollment (Device)",
/// or no enrollment_type and an EnrollmentID without a UDID), else "device"; "ade" is never inferred.
/// Never throws for bad input: a message that is not a dictionary, of another kind, or naming no device
/// gives checkin.* errors and no kind.
CheckinMapping device_from_checkin(const plist::Value& message, const CheckinContext& context);

}  // namespace acmepolicy
