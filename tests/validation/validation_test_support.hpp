// Helpers of the validation tests: a known-good policy to mutate, and finders over a report.
#pragma once

#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "acmepolicy/validate.hpp"

namespace acmepolicy::testing {

/// A policy that passes every rule without a single finding (targets set, no macOS-only keys).
inline nlohmann::json good_policy() {
    return nlohmann::json::parse(R"({
      "schema_version": 1,
      "id": "corp-acme",
      "name": "Corporate ACME",
      "notes": "Piloted on the Sales group.",
      "payload": {
        "DirectoryURL": "https://acme.example.com/directory",
        "ClientIdentifier": "{{serial_number}}",
        "KeyType": "ECSECPrimeRandom",
        "KeySize": 384,
        "HardwareBound": true,
        "Attest": true,
        "Subject": [[["O", "Example Inc."]], [["CN", "{{serial_number}}"]]],
        "SubjectAltName": {"rfc822Name": "{{user_email}}", "dNSName": "device.example.com",
                           "uniformResourceIdentifier": "urn:example:{{udid}}", "ntPrincipalName": "u@EXAMPLE.COM"},
        "UsageFlags": 1,
        "ExtendedKeyUsage": ["1.3.6.1.5.5.7.3.2"]
      },
      "targets": {"device_groups": ["g-sales"], "devices": ["d-0042"]}
    })");
}

/// Validates the good policy after `change` edits it (through JSON text, as hosts do).
inline PolicyCheck check_changed(const std::function<void(nlohmann::json&)>& change,
                                 const ValidationOptions& options = {}) {
    nlohmann::json document = good_policy();
    change(document);
    return check_policy(std::string_view(document.dump()), options);
}

inline const Diagnostic* find(const Report& report, const std::string& code, const std::string& path) {
    for (const auto& d : report.diagnostics())
        if (d.code == code && d.path == path) return &d;
    return nullptr;
}

/// The message of the finding, or "" when there is none (a copy: safe on temporaries).
inline std::string message_of(const Report& report, const std::string& code, const std::string& path) {
    for (const auto& d : report.diagnostics())
        if (d.code == code && d.path == path) return d.message;
    return std::string();
}

inline std::string describe(const Report& report) {
    std::string out;
    for (const auto& d : report.diagnostics())
        out += std::string(to_string(d.severity)) + " " + d.code + " " + d.path + ": " + d.message + "\n";
    return out.empty() ? "(no diagnostics)\n" : out;
}

inline ::testing::AssertionResult has_finding(const Report& report, Severity severity, const std::string& code,
                                             const std::string& path) {
    const Diagnostic* d = find(report, code, path);
    if (d == nullptr)
        return ::testing::AssertionFailure() << "expected " << code << " at \"" << path << "\", got:\n" << describe(report);
    if (d->severity != severity)
        return ::testing::AssertionFailure() << code << " has severity " << to_string(d->severity) << ", expected "
                                             << to_string(severity);
    return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult lacks_code(const Report& report, const std::string& code) {
    if (!report.has_code(code)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "unexpected " << code << ":\n" << describe(report);
}

}  // namespace acmepolicy::testing

/// EXPECT that the report has `code` at `path` with `severity`.
#define EXPECT_FINDING(check, severity_, code, path) \
    EXPECT_TRUE(::acmepolicy::testing::has_finding((check).report, ::acmepolicy::Severity::severity_, code, path))

/// EXPECT that the report has no finding with `code` at all.
#define EXPECT_NO_CODE(check, code) EXPECT_TRUE(::acmepolicy::testing::lacks_code((check).report, code))
