// Which form a device receives a policy in: the configuration profile or the declarative ACME credential.
// Pure: decided from the policy's `delivery` and the device record alone.
#pragma once

#include <string>

#include "acmepolicy/device.hpp"
#include "acmepolicy/policy.hpp"

namespace acmepolicy {

/// The minimum OS of the declarative ACME credential on the device's platform (iOS/iPadOS/tvOS 17.0,
/// macOS 14.0, watchOS 10.0, visionOS 1.1; a record without platform counts as iOS), e.g. "iOS 17.0".
std::string declarative_minimum(const DeviceRecord& device);

/// True when the device's os_version meets declarative_minimum(); false when it is below or unknown.
bool supports_declarative_credential(const DeviceRecord& device);

/// True only when the device's os_version reads as a version below declarative_minimum().
bool below_declarative_minimum(const DeviceRecord& device);

/// One device's form for one policy, and the sentence that says why.
struct DeliveryChoice {
    bool declarative = false;
    std::string reason;  // e.g. "auto: iOS 17.5 supports the declarative credential (iOS 17.0 or later)"
};

/// delivery "profile" → profile; "declarative" → declarative (a device below the minimum then cannot be
/// rendered: render.ddm_os_unsupported); "auto" → declarative when supports_declarative_credential(),
/// else profile.
DeliveryChoice choose_delivery(const Policy& policy, const DeviceRecord& device);

/// The `DeclarativeManagement` MDM command (XML plist, no Data): it makes the device synchronise its
/// declarations with the declarative management server. `command_uuid` as for the other commands.
std::string render_declarative_management_command(const std::string& command_uuid);

}  // namespace acmepolicy
