// The facade calls: api_parse_certificate_list, api_certificate_status and api_plan_renewals, their JSON
// shapes, statuses and argument checks.
#include <gtest/gtest.h>

#include "acmepolicy/api.hpp"
#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "lifecycle_fixtures.hpp"

namespace acmepolicy {
namespace {

using nlohmann::json;
using test::CertSpec;

CertSpec ours(const std::string& not_before, const std::string& not_after, const std::string& serial = "7") {
    CertSpec spec;
    spec.sans = {{test::kDns, "C02XK1ABJG5H.devices.example.com"}};
    spec.not_before = not_before;
    spec.not_after = not_after;
    spec.serial = serial;
    return spec;
}

json cert_entry(const CertSpec& spec, bool identity = true) {
    return json{{"CommonName", "C02XK1ABJG5H"}, {"Data", crypto::base64_encode(test::make_der(spec))},
                {"IsIdentity", identity}};
}

json device_entry(json certificates, const std::string& id = "d-0042", const std::string& serial = "C02XK1ABJG5H") {
    return json{{"device", {{"id", id}, {"serial_number", serial}, {"platform", "iOS"}}},
                {"certificates", std::move(certificates)}};
}

json parse(const ApiResult& r) { return json::parse(r.json); }

TEST(LifecycleApi, ParseCertificateList) {
    const std::string der = test::make_der(ours("20261101000000", "20270101000000"));
    const std::string answer = plist::write_xml(plist::Dict{
        {"CertificateList", plist::Array{plist::Dict{{"CommonName", "C02XK1ABJG5H"}, {"Data", plist::Data{der}},
                                                     {"IsIdentity", true}},
                                         plist::Dict{{"Data", plist::Data{"junk"}}}}},
        {"Status", "Acknowledged"}});
    const ApiResult r = api_parse_certificate_list(answer, "");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const json j = parse(r);
    ASSERT_EQ(j["certificates"].size(), 1u);
    EXPECT_EQ(j["certificates"][0]["not_after"], "2027-01-01T00:00:00Z");
    EXPECT_EQ(j["certificates"][0]["serial"], "07");
    EXPECT_EQ(j["diagnostics"][0]["code"], "certificate_list.unparseable");
    EXPECT_EQ(j["diagnostics"][0]["severity"], "warning");
    const ApiResult bad = api_parse_certificate_list("<plist", "");
    EXPECT_EQ(bad.status, ApiStatus::invalid_input);
    EXPECT_TRUE(parse(bad)["certificates"].empty());
    EXPECT_EQ(api_parse_certificate_list(answer, "[]").status, ApiStatus::bad_arguments);
}

TEST(LifecycleApi, CertificateStatus) {
    const std::string policy = test::policy_json();
    const json entry = device_entry({cert_entry(ours("20261001000000", "20261210000000")),
                                     cert_entry(ours("20260601000000", "20261205000000", "6"))});
    const std::string options = R"({"now": "2026-11-28T12:00:00Z", "spread_hours": 0})";
    const ApiResult r = api_certificate_status(policy, entry.dump(), options);
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const json j = parse(r);
    EXPECT_EQ(j["policy"], "corp-acme");
    EXPECT_EQ(j["device"], "d-0042");
    EXPECT_EQ(j["state"], "due");
    EXPECT_EQ(j["due"], true);
    EXPECT_EQ(j["renew_at"], "2026-11-28T12:00:00Z");
    EXPECT_EQ(j["matched"], 2);
    EXPECT_EQ(j["foreign"], 0);
    EXPECT_EQ(j["certificate"]["serial"], "07");  // the newest of the two
    EXPECT_EQ(j["certificate"]["not_after"], "2026-12-10T00:00:00Z");
    EXPECT_EQ(j["rule"]["before_days"], 30);
    EXPECT_FALSE(j["reason"].get<std::string>().empty());
    // 40 days left: nothing to do until the window opens.
    const json later = device_entry({cert_entry(ours("20261101000000", "20270107120000"))});
    const json l = parse(api_certificate_status(policy, later.dump(), options));
    EXPECT_EQ(l["state"], "ok");
    EXPECT_EQ(l["renew_at"], "2026-12-08T12:00:01Z");
    // A renewal just sent: throttled.
    json throttled = entry;
    throttled["last_renewal"] = {{"corp-acme", "2026-11-28T11:00:00Z"}};
    const json t = parse(api_certificate_status(policy, throttled.dump(), options));
    EXPECT_EQ(t["state"], "throttled");
    EXPECT_EQ(t["renew_at"], "2026-11-28T17:00:00Z");
    EXPECT_EQ(t["last_renewal"], "2026-11-28T11:00:00Z");
    // Nothing of ours on the device.
    const json none = parse(api_certificate_status(policy, device_entry(json::array()).dump(), options));
    EXPECT_EQ(none["state"], "missing");
    EXPECT_TRUE(none["certificate"].is_null());
    EXPECT_TRUE(none["renew_at"].is_null());
}

TEST(LifecycleApi, StatusArgumentsAndInputs) {
    const std::string policy = test::policy_json();
    const std::string entry = device_entry(json::array()).dump();
    EXPECT_EQ(api_certificate_status(policy, entry, "").status, ApiStatus::bad_arguments);  // no now
    EXPECT_EQ(api_certificate_status(policy, entry, R"({"now": "yesterday"})").status, ApiStatus::bad_arguments);
    EXPECT_EQ(api_certificate_status(policy, entry, R"({"now": "2026-11-28T12:00:00Z", "spread_hours": -1})").status,
              ApiStatus::bad_arguments);
    EXPECT_EQ(api_certificate_status(policy, entry, R"({"now": "2026-11-28T12:00:00Z", "bogus": 1})").status,
              ApiStatus::bad_arguments);
    EXPECT_EQ(api_certificate_status(policy, entry, R"({"now": "2026-11-28T12:00:00Z", "issuer_chain_pem": "x"})").status,
              ApiStatus::ok);  // text without PEM blocks is an empty chain
    const std::string now = R"({"now": "2026-11-28T12:00:00Z"})";
    const ApiResult bad_policy = api_certificate_status("{}", entry, now);
    EXPECT_EQ(bad_policy.status, ApiStatus::invalid_input);
    EXPECT_EQ(parse(bad_policy)["diagnostics"][0]["path"].get<std::string>().rfind("/policy", 0), 0u);
    const ApiResult bad_entry = api_certificate_status(policy, R"({"device": {"id": 5}})", now);
    EXPECT_EQ(bad_entry.status, ApiStatus::invalid_input);
    EXPECT_EQ(parse(bad_entry)["diagnostics"][0]["path"], "/entry/device/id");
    EXPECT_EQ(api_certificate_status(policy, "not json", now).status, ApiStatus::invalid_input);
    EXPECT_EQ(api_certificate_status(policy, R"({"device": {"id": "a"}, "extra": 1})", now).status,
              ApiStatus::invalid_input);
}

TEST(LifecycleApi, PlanRenewals) {
    const std::string policies = "[" + test::policy_json() + "]";
    json devices = json::array();
    devices.push_back(device_entry({cert_entry(ours("20261001000000", "20261203000000"))}, "d-1", "C02XK1ABJG5H"));
    devices.push_back(device_entry(json::array(), "d-2", "OTHER"));
    devices.push_back(device_entry({cert_entry(ours("20261101000000", "20270301000000"))}, "d-3", "C02XK1ABJG5H"));
    json restricted = device_entry(json::array(), "d-4", "X");
    restricted["policies"] = {"unknown-policy"};
    devices.push_back(restricted);
    const json inventory{{"devices", devices}};
    const ApiResult r = api_plan_renewals(inventory.dump(), policies, R"({"now": "2026-11-28T12:00:00Z", "spread_hours": 0})");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    const json j = parse(r);
    ASSERT_EQ(j["renewals"].size(), 2u);
    EXPECT_EQ(j["renewals"][0]["device"], "d-1");
    EXPECT_EQ(j["renewals"][0]["state"], "due");
    EXPECT_EQ(j["renewals"][1]["device"], "d-3");
    EXPECT_EQ(j["renewals"][1]["renew_at"], "2027-01-30T00:00:01Z");
    EXPECT_EQ(j["missing"], json::array({{{"device", "d-2"}, {"policy", "corp-acme"}}}));
    EXPECT_EQ(j["per_day"], json::array({{{"date", "2026-11-28"}, {"count", 1}}, {{"date", "2027-01-30"}, {"count", 1}}}));
    EXPECT_EQ(j["summary"]["pairs"], 3);
    EXPECT_EQ(j["summary"]["due"], 1);
    EXPECT_EQ(j["summary"]["ok"], 1);
    EXPECT_EQ(j["summary"]["missing"], 1);
    EXPECT_EQ(j["diagnostics"][0]["code"], "certificate_inventory.unknown_policy");
    // Broken inputs.
    EXPECT_EQ(api_plan_renewals("{}", policies, R"({"now": "2026-11-28T12:00:00Z"})").status, ApiStatus::invalid_input);
    EXPECT_EQ(api_plan_renewals(inventory.dump(), "{}", R"({"now": "2026-11-28T12:00:00Z"})").status,
              ApiStatus::invalid_input);
    EXPECT_EQ(api_plan_renewals(inventory.dump(), "[{}]", R"({"now": "2026-11-28T12:00:00Z"})").status,
              ApiStatus::invalid_input);
    EXPECT_EQ(api_plan_renewals(inventory.dump(), policies, "{}").status, ApiStatus::bad_arguments);
    json twice{{"devices", {devices[0], devices[0]}}};
    const ApiResult dup = api_plan_renewals(twice.dump(), policies, R"({"now": "2026-11-28T12:00:00Z"})");
    EXPECT_EQ(dup.status, ApiStatus::invalid_input);
    EXPECT_EQ(parse(dup)["diagnostics"][0]["code"], "certificate_inventory.duplicate_device");
}

}  // namespace
}  // namespace acmepolicy
