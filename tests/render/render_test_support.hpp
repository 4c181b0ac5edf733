// Shared fixtures of the rendering tests: a typed policy like the documented example, and devices.
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "acmepolicy/device.hpp"
#include "acmepolicy/policy.hpp"
#include "acmepolicy/render.hpp"

namespace acmepolicy::render_test {

inline std::string source_path(const std::string& relative) { return std::string(ACMEPOLICY_SOURCE_DIR) + "/" + relative; }

inline std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

/// The documented example policy: EC P-384, hardware bound, attested, with variables and one CA.
inline Policy sample_policy() {
    Policy p;
    p.id = "corp-acme";
    p.name = "Corporate ACME";
    p.payload.directory_url = "https://acme.example.com/directory";
    p.payload.client_identifier = "{{serial_number}}";
    p.payload.key_type = "ECSECPrimeRandom";
    p.payload.key_size = 384;
    p.payload.hardware_bound = true;
    p.payload.attest = true;
    p.payload.subject = {{{"O", "Example Inc."}}, {{"CN", "{{serial_number}}"}}};
    SubjectAltName san;
    san.rfc822_name = "{{user_email}}";
    san.dns_name = "device.example.com";
    san.uniform_resource_identifier = "urn:example:{{udid}}";
    san.nt_principal_name = "u@EXAMPLE.COM";
    p.payload.subject_alt_name = san;
    p.payload.usage_flags = 1;
    p.payload.extended_key_usage = std::vector<std::string>{"1.3.6.1.5.5.7.3.2"};
    p.payload.key_is_extractable = false;
    p.payload.allow_all_apps_access = false;
    p.ca_certificates = {read_file(source_path("tests/render/cases/example-root-ca.pem"))};
    return p;
}

inline DeviceRecord sample_device() {
    DeviceRecord d;
    d.id = "d-0042";
    d.serial_number = "F2LXK1ABCD";
    d.udid = "00008110-000A1C2E3F4A801E";
    d.platform = Platform::iOS;
    d.os_version = "17.4.1";
    d.product_name = "iPhone15,2";
    d.enrollment = Enrollment::ade;
    d.supervised = true;
    d.device_name = "Ana's iPhone";
    d.user_email = "ana@example.com";
    return d;
}

inline RenderOptions sample_options() {
    RenderOptions o;
    o.identifier_prefix = "com.example.mdm";
    o.organization = "Example Inc.";
    return o;
}

}  // namespace acmepolicy::render_test
