// api_schema(): the document is built from the core's own tables (codes, device-record keys, payload keys,
// key sizes, variables, assignment names, hardware), and each table is the one the core acts on.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/hardware.hpp"
#include "acmepolicy/payload_keys.hpp"
#include "acmepolicy/resolve.hpp"
#include "acmepolicy/validate.hpp"
#include "acmepolicy/variables.hpp"
#include "validation/codes.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;

json schema() {
    const ApiResult r = api_schema();
    EXPECT_EQ(r.status, ApiStatus::ok) << r.json;
    return json::parse(r.json);
}

TEST(Schema, EveryCodeOfTheTableWithItsSeverity) {
    const json s = schema();
    ASSERT_EQ(s["codes"].size(), validation::code_count());
    for (std::size_t i = 0; i < validation::code_count(); ++i) {
        const auto& info = validation::code_table()[i];
        EXPECT_EQ(s["codes"][i]["code"], info.name);
        EXPECT_EQ(s["codes"][i]["severity"], to_string(info.severity));
        EXPECT_EQ(s["codes"][i]["meaning"], info.meaning);
    }
}

TEST(Schema, DeviceRecordKeysAreTheOnesTheReaderAccepts) {
    const json s = schema();
    ASSERT_EQ(s["device_record_keys"].size(), device_record_keys().size());
    json record = json::object();
    for (const auto& key : s["device_record_keys"]) {
        const std::string name = key["name"];
        if (key["type"] == "boolean") record[name] = true;
        else if (key.contains("values")) record[name] = key["values"].back();
        else record[name] = "x-" + name;
    }
    EXPECT_EQ(s["device_record_keys"][0], (json{{"name", "id"}, {"type", "string"}, {"required", true}}));
    Report report;
    EXPECT_TRUE(read_device(record, "", report).has_value()) << to_json(report).dump();
    record["not_a_key"] = "x";
    EXPECT_FALSE(read_device(record, "", report).has_value());
}

TEST(Schema, PayloadKeysAreTheOnesValidationReads) {
    const json s = schema();
    ASSERT_EQ(s["payload_keys"].size(), payload_keys().size());
    for (const auto& key : s["payload_keys"]) {
        // A key of the table is never "unknown" to validation.
        json policy = json::parse(R"({"name": "P", "payload": {}})");
        policy["payload"][key["name"].get<std::string>()] = nullptr;
        const PolicyCheck check = check_policy(std::string_view(policy.dump()));
        for (const auto& d : check.report.diagnostics())
            EXPECT_NE(d.code, "document.unknown_key") << key["name"] << ": " << d.message;
    }
    const json& kie = s["payload_keys"][10];
    EXPECT_EQ(kie["name"], "KeyIsExtractable");
    EXPECT_EQ(kie["platforms"], (json{{"macOS", "13.1"}}));
    EXPECT_EQ(kie["default"], true);
    EXPECT_EQ(s["payload_keys"][7]["keys"],
              (json{"rfc822Name", "dNSName", "uniformResourceIdentifier", "ntPrincipalName"}));
    EXPECT_EQ(s["payload_keys"][5]["platforms"]["watchOS"], "10.0");  // Attest
}

std::string policy_with_key(const std::string& type, bool hardware_bound, std::int64_t size) {
    json p = json::parse(R"({"name": "P", "payload": {"DirectoryURL": "https://acme.example.com/d",
        "ClientIdentifier": "{{udid}}", "Subject": [[["CN", "{{udid}}"]]]}})");
    p["payload"]["KeyType"] = type;
    p["payload"]["HardwareBound"] = hardware_bound;
    p["payload"]["KeySize"] = size;
    return p.dump();
}

TEST(Schema, KeySizesAreWhatValidationAccepts) {
    const json s = schema();
    ASSERT_EQ(s["key_sizes"].size(), 4u);
    for (const auto& rule : s["key_sizes"]) {
        const KeySizeRule* typed = key_size_rule(rule["key_type"].get<std::string>().c_str(), rule["hardware_bound"]);
        ASSERT_NE(typed, nullptr);
        for (std::int64_t size : {0, 128, 192, 200, 256, 384, 521, 1016, 1024, 2047, 2048, 3072, 4096, 4104}) {
            const std::string text = policy_with_key(rule["key_type"], rule["hardware_bound"], size);
            const PolicyCheck check = check_policy(std::string_view(text));
            bool refused = false, weak = false;
            for (const auto& d : check.report.diagnostics()) {
                const bool about_size = d.code.rfind("keysize.", 0) == 0 || d.code.rfind("hardwarebound.", 0) == 0;
                refused = refused || (about_size && d.severity == Severity::error);
                weak = weak || (about_size && d.severity == Severity::warning);
            }
            EXPECT_EQ(!refused, typed->accepts(size)) << rule.dump() << " " << size;
            if (!refused) {
                EXPECT_EQ(weak, typed->is_weak(size)) << rule.dump() << " " << size;
            }
        }
    }
    EXPECT_EQ(s["key_sizes"][0], (json{{"key_type", "RSA"}, {"hardware_bound", false}, {"allowed", true}, {"min", 1024},
                                       {"max", 4096}, {"multiple_of", 8}, {"weak_below", 2048}}));
    EXPECT_EQ(s["key_sizes"][3]["sizes"], (json{256, 384}));
}

TEST(Schema, VariablesPerEnrollmentType) {
    const json s = schema();
    ASSERT_EQ(s["variables"].size(), variable_names().size());
    for (std::size_t i = 0; i < variable_names().size(); ++i) EXPECT_EQ(s["variables"][i]["name"], variable_names()[i]);
    for (const auto& v : s["variables"]) {
        const bool withheld = v["name"] == "serial_number" || v["name"] == "udid";
        EXPECT_EQ(v["enrollment"], (json{{"ade", true}, {"device", true}, {"user", !withheld}})) << v.dump();
        EXPECT_EQ(v["always_available"], v["name"] == "device_id" || v["name"] == "client_token") << v.dump();
    }
}

TEST(Schema, AssignmentNamesAndTheHardwareTable) {
    const json s = schema();
    const json& a = s["assignment"];
    ASSERT_EQ(a["exclusion_reasons"].size(), kExclusionReasonCount);
    EXPECT_EQ(a["exclusion_reasons"][0], "policy_invalid");
    EXPECT_EQ(a["exclusion_reasons"][6], "variable_unavailable");
    for (const auto& c : a["fallback_conditions"])
        EXPECT_TRUE(parse_fallback_condition(c.get<std::string>()).has_value()) << c;
    EXPECT_EQ(a["fallback_conditions"].size(), kFallbackConditionCount);
    EXPECT_EQ(a["warnings"], (json{"attestation_unsupported", "client_identifier_collision"}));
    EXPECT_EQ(a["minimum_os_version"], "16.0");

    const json& hw = s["attestation_hardware"];
    EXPECT_EQ(hw["source"], attestation_hardware_source());
    ASSERT_EQ(hw["families"].size(), attestation_families().size());
    for (const auto& family : hw["families"]) {
        const std::string prefix = family["prefix"];
        if (family["first_capable_major"].is_null()) {
            EXPECT_EQ(attestation_support(prefix + "99,1"), AttestationSupport::unsupported) << prefix;
            continue;
        }
        const auto first = family["first_capable_major"].get<std::uint32_t>();
        EXPECT_EQ(attestation_support(prefix + std::to_string(first) + ",1"), AttestationSupport::supported) << prefix;
        if (first > 0) {
            EXPECT_EQ(attestation_support(prefix + std::to_string(first - 1) + ",11"), AttestationSupport::unsupported)
                << prefix;
        }
    }
    EXPECT_EQ(attestation_support("iPad7,11"), AttestationSupport::unsupported);  // iPad 7th generation, A10
}

TEST(Schema, IsTheSameEveryCall) { EXPECT_EQ(api_schema().json, api_schema().json); }

}  // namespace
}  // namespace acmepolicy
