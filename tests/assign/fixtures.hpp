// Builders for the assignment tests: typed policies and device records written out field by field.
#pragma once

#include <string>
#include <vector>

#include "acmepolicy/inventory.hpp"
#include "acmepolicy/resolve.hpp"

namespace acmepolicy::testing {

/// A valid-looking policy targeting the given groups and devices (validation is not what these tests
/// exercise: PolicyCheck reports are set explicitly).
inline Policy make_policy(const std::string& id, std::vector<std::string> groups, std::vector<std::string> devices,
                          const std::string& client_identifier = "{{udid}}") {
    Policy policy;
    policy.id = id;
    policy.name = "Policy " + id;
    policy.payload.directory_url = "https://ca.example.com/acme/directory";
    policy.payload.client_identifier = client_identifier;
    policy.payload.key_type = "ECSECPrimeRandom";
    policy.payload.key_size = 256;
    policy.payload.hardware_bound = true;
    policy.payload.subject = {{{"CN", "{{device_id}}"}}};
    policy.targets.device_groups = std::move(groups);
    policy.targets.devices = std::move(devices);
    return policy;
}

inline PolicyCheck valid(Policy policy) { return PolicyCheck{std::move(policy), Report{}}; }

/// An eligible iPhone: iOS 17.4.1, enrolled through ADE, A15 hardware, serial and UDID known.
inline DeviceRecord iphone(const std::string& id) {
    DeviceRecord d;
    d.id = id;
    d.serial_number = "SN-" + id;
    d.udid = "UDID-" + id;
    d.platform = Platform::iOS;
    d.os_version = "17.4.1";
    d.product_name = "iPhone14,5";
    d.enrollment = Enrollment::ade;
    return d;
}

inline GroupSpec group(const std::string& id, const std::string& name, std::vector<std::string> members) {
    return GroupSpec{id, name, std::move(members)};
}

inline Inventory inventory(std::vector<DeviceRecord> devices, std::vector<GroupSpec> groups = {}) {
    Report report;
    Inventory inv = Inventory::build(std::move(devices), std::move(groups), report);
    return inv;
}

}  // namespace acmepolicy::testing
