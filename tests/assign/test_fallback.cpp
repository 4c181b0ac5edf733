// Fallback policies in resolution, explanation and plans: every condition, chains, broken chains, the JSON
// shape, and moving a device between primary and fallback without leaving it without an identity.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/plan.hpp"
#include "acmepolicy/resolve.hpp"
#include "fixtures.hpp"

namespace acmepolicy {
namespace {

using testing::group;
using testing::inventory;
using testing::iphone;
using testing::make_policy;
using testing::valid;

Policy with_fallback(Policy policy, const std::string& target, std::vector<std::string> when) {
    policy.fallback = PolicyFallback{target, std::move(when)};
    return policy;
}

/// A step-ca-like primary: Attest on, {{serial_number}} as identifier.
Policy attested(const std::string& id, std::vector<std::string> devices) {
    Policy p = make_policy(id, {}, std::move(devices), "{{serial_number}}");
    p.payload.attest = true;
    p.server_profile = ServerProfile::step_ca;
    return p;
}

/// A fallback that any enrolled iOS device fits: no attestation, only always-available variables.
Policy basic(const std::string& id, std::vector<std::string> devices = {}) {
    return make_policy(id, {}, std::move(devices), "{{device_id}}");
}

DeviceRecord old_ipad(const std::string& id) {
    DeviceRecord d = iphone(id);
    d.platform = Platform::iPadOS;
    d.product_name = "iPad7,5";
    return d;
}

DeviceRecord user_enrolled(const std::string& id) {
    DeviceRecord d = iphone(id);
    d.enrollment = Enrollment::user;
    d.serial_number.reset();
    d.udid.reset();
    d.enrollment_id = "E-" + id;
    return d;
}

struct Resolved {
    nlohmann::json document;
    const nlohmann::json& policy(const std::string& id) const {
        for (const auto& p : document["policies"])
            if (p["id"] == id) return p;
        static const nlohmann::json none;
        ADD_FAILURE() << "no policy " << id;
        return none;
    }
};

Resolved run(const Inventory& inv, const std::vector<PolicyCheck>& policies) {
    return Resolved{to_json(inv, policies, resolve(inv, policies))};
}

nlohmann::json entry_for(const nlohmann::json& list, const std::string& device) {
    for (const auto& e : list)
        if (e["device"] == device) return e;
    return nullptr;
}

TEST(Fallback, ADeviceThatCannotAttestGetsTheFallbackInstead) {
    Inventory inv = inventory({old_ipad("d-old"), iphone("d-new"), [] {
                                   DeviceRecord d = iphone("d-unknown");
                                   d.product_name = "iPhone";  // not an identifier: unknown, never a guess
                                   return d;
                               }()});
    std::vector<PolicyCheck> policies{
        valid(with_fallback(attested("a", {"d-old", "d-new", "d-unknown"}), "b", {"attestation_unsupported"})),
        valid(basic("b"))};
    Resolved r = run(inv, policies);
    const auto& a = r.policy("a");
    EXPECT_TRUE(entry_for(a["included"], "d-new").is_object());
    EXPECT_TRUE(entry_for(a["included"], "d-old").is_null());
    // Unknown hardware stays on the primary, with the attestation_unsupported info naming the identifier.
    const auto unknown = entry_for(a["included"], "d-unknown");
    ASSERT_TRUE(unknown.is_object());
    ASSERT_EQ(unknown["warnings"].size(), 1u);
    EXPECT_EQ(unknown["warnings"][0]["severity"], "info");
    EXPECT_NE(unknown["warnings"][0]["message"].get<std::string>().find("\"iPhone\""), std::string::npos);

    ASSERT_EQ(a["included_via_fallback"].size(), 1u);
    const auto& moved = a["included_via_fallback"][0];
    EXPECT_EQ(moved["device"], "d-old");
    EXPECT_EQ(moved["policy"], "b");
    EXPECT_EQ(moved["reason"], "attestation_unsupported");
    EXPECT_EQ(moved["message"], "iPad7,5 cannot attest: gets Policy b instead");
    EXPECT_EQ(a["counts"]["included"], 2);
    EXPECT_EQ(a["counts"]["excluded"], 0);
    EXPECT_EQ(a["counts"]["included_via_fallback"], 1);

    const auto& b = r.policy("b");
    ASSERT_EQ(b["included"].size(), 1u);
    EXPECT_EQ(b["included"][0]["device"], "d-old");
    EXPECT_EQ(b["included"][0]["via"], nlohmann::json::array({"fallback:a"}));
    EXPECT_TRUE(b["included"][0]["warnings"].empty());  // the fallback has no Attest: nothing to warn about
    EXPECT_EQ(b["counts"]["included"], 1);
}

TEST(Fallback, UserEnrollmentCoversBothWaysSuchDevicesAreExcluded) {
    Inventory inv = inventory({user_enrolled("d-ue"), iphone("d-ade")});
    // step-ca: server_profile_incompatible; a generic policy using {{serial_number}}: variable_unavailable.
    Policy generic_serial = make_policy("s", {}, {"d-ue", "d-ade"}, "{{serial_number}}");
    std::vector<PolicyCheck> policies{
        valid(with_fallback(attested("a", {"d-ue", "d-ade"}), "b", {"user_enrollment"})),
        valid(with_fallback(generic_serial, "b", {"user_enrollment"})), valid(basic("b"))};
    Resolved r = run(inv, policies);
    for (const char* primary : {"a", "s"}) {
        const auto& p = r.policy(primary);
        ASSERT_EQ(p["included_via_fallback"].size(), 1u) << primary;
        EXPECT_EQ(p["included_via_fallback"][0]["device"], "d-ue");
        EXPECT_EQ(p["included_via_fallback"][0]["reason"], "user_enrollment");
        EXPECT_TRUE(entry_for(p["included"], "d-ade").is_object());
        EXPECT_TRUE(p["excluded"].empty());
    }
    EXPECT_EQ(r.policy("a")["included_via_fallback"][0]["message"],
              "step-ca needs the attested serial number or UDID, which User Enrollment devices do not provide: gets "
              "Policy b instead");
    const auto arrived = entry_for(r.policy("b")["included"], "d-ue");
    EXPECT_EQ(arrived["via"], nlohmann::json::array({"fallback:a", "fallback:s"}));
}

TEST(Fallback, EachReasonFallsBackOnlyWhenListed) {
    DeviceRecord no_email = iphone("d-noemail");
    DeviceRecord ue = user_enrolled("d-ue");
    DeviceRecord old_os = iphone("d-old-os");
    old_os.os_version = "15.7";
    Inventory inv = inventory({no_email, ue, old_os});
    Policy email = make_policy("a", {}, {"d-noemail", "d-ue", "d-old-os"}, "{{serial_number}}");
    email.payload.subject = {{{"CN", "{{user_email}}"}}};

    // variable_unavailable: any missing variable (the User Enrollment device lacks the serial number).
    Resolved r = run(inv, {valid(with_fallback(email, "b", {"variable_unavailable"})), valid(basic("b"))});
    auto a = r.policy("a");
    ASSERT_EQ(a["included_via_fallback"].size(), 2u) << a.dump();
    EXPECT_EQ(a["included_via_fallback"][0]["device"], "d-noemail");
    EXPECT_EQ(a["included_via_fallback"][0]["reason"], "variable_unavailable");
    EXPECT_EQ(a["included_via_fallback"][0]["message"],
              "the policy uses {{user_email}}, which this device record lacks: gets Policy b instead");
    EXPECT_EQ(a["included_via_fallback"][1]["device"], "d-ue");
    // os_too_old is listed, but the fallback needs 16.0 as well: the device stays excluded with its reason.
    r = run(inv, {valid(with_fallback(email, "b", {"os_too_old"})), valid(basic("b"))});
    a = r.policy("a");
    EXPECT_TRUE(a["included_via_fallback"].empty());
    EXPECT_EQ(entry_for(a["excluded"], "d-old-os")["reason"], "os_too_old");
    EXPECT_EQ(a["counts"]["os_too_old"], 1);
    // user_enrollment alone does not take a device that lacks user_email for another reason.
    r = run(inv, {valid(with_fallback(email, "b", {"user_enrollment"})), valid(basic("b"))});
    a = r.policy("a");
    ASSERT_EQ(a["included_via_fallback"].size(), 1u);
    EXPECT_EQ(a["included_via_fallback"][0]["device"], "d-ue");
    EXPECT_EQ(entry_for(a["excluded"], "d-noemail")["reason"], "variable_unavailable");
    EXPECT_EQ(a["counts"]["variable_unavailable"], 1);
    EXPECT_EQ(a["counts"]["excluded"], 2);
    // server_profile_incompatible by its own name.
    r = run(inv, {valid(with_fallback(attested("a", {"d-ue"}), "b", {"server_profile_incompatible"})),
                  valid(basic("b"))});
    EXPECT_EQ(r.policy("a")["included_via_fallback"][0]["reason"], "server_profile_incompatible");
    // Nothing listed that applies: nothing moves.
    r = run(inv, {valid(with_fallback(email, "b", {"attestation_unsupported"})), valid(basic("b"))});
    EXPECT_TRUE(r.policy("a")["included_via_fallback"].empty());
    EXPECT_TRUE(r.policy("b")["included"].empty());
}

TEST(Fallback, AChainGivesTheFirstPolicyThatFits) {
    Inventory inv = inventory({old_ipad("d-old"), user_enrolled("d-ue")});
    // b still uses {{serial_number}} (no good for User Enrollment) but has no Attest; c fits everyone.
    Policy b = make_policy("b", {}, {}, "{{serial_number}}");
    std::vector<PolicyCheck> policies{
        valid(with_fallback(attested("a", {"d-old", "d-ue"}), "b", {"attestation_unsupported", "user_enrollment"})),
        valid(with_fallback(b, "c", {"user_enrollment"})), valid(basic("c"))};
    Resolved r = run(inv, policies);
    const auto& a = r.policy("a");
    ASSERT_EQ(a["included_via_fallback"].size(), 2u);
    EXPECT_EQ(entry_for(a["included_via_fallback"], "d-old")["policy"], "b");
    EXPECT_EQ(entry_for(a["included_via_fallback"], "d-ue")["policy"], "c");
    EXPECT_EQ(entry_for(r.policy("b")["included"], "d-old")["via"], nlohmann::json::array({"fallback:a"}));
    EXPECT_EQ(entry_for(r.policy("c")["included"], "d-ue")["via"], nlohmann::json::array({"fallback:a"}));
    EXPECT_TRUE(entry_for(r.policy("b")["included"], "d-ue").is_null());
    EXPECT_TRUE(r.policy("b")["included_via_fallback"].empty());  // b's own fallback moved none of b's own
}

TEST(Fallback, ABrokenChainLeavesTheDeviceWhereThePrimaryPutsIt) {
    Inventory inv = inventory({old_ipad("d-old"), user_enrolled("d-ue")});
    const Policy primary =
        with_fallback(attested("a", {"d-old", "d-ue"}), "b", {"attestation_unsupported", "user_enrollment"});
    auto expect_unmoved = [&](const std::vector<PolicyCheck>& policies, const char* what) {
        Resolved r = run(inv, policies);
        const auto& a = r.policy("a");
        EXPECT_TRUE(a["included_via_fallback"].empty()) << what;
        const auto old = entry_for(a["included"], "d-old");  // included, with the warning, as without fallback
        ASSERT_TRUE(old.is_object()) << what;
        EXPECT_EQ(old["warnings"][0]["code"], "attestation_unsupported") << what;
        EXPECT_EQ(entry_for(a["excluded"], "d-ue")["reason"], "server_profile_incompatible") << what;
    };
    expect_unmoved({valid(primary)}, "the fallback is not in the set");
    PolicyCheck broken = valid(basic("b"));
    broken.report.error("keysize.ec_curve", "/payload/KeySize", "bad");
    expect_unmoved({valid(primary), broken}, "the fallback is invalid");
    // A cycle (which validation refuses) ends without a fit: b needs attestation too and falls back to a.
    expect_unmoved({valid(primary), valid(with_fallback(attested("b", {}), "a", {"attestation_unsupported",
                                                                                 "user_enrollment"}))},
                   "a cycle");
}

// A primary that becomes invalid (its CA expires) freezes: its own devices are policy_invalid (and keep
// its profile, see the plan), and the devices it hands over keep their fallback, so nothing is removed.
TEST(Fallback, AnInvalidPrimaryKeepsItsDevicesOnTheirFallback) {
    Inventory inv = inventory({old_ipad("d-old"), user_enrolled("d-ue"), iphone("d-ok")});
    PolicyCheck invalid_primary =
        valid(with_fallback(attested("a", {"d-old", "d-ue", "d-ok"}), "b", {"attestation_unsupported", "user_enrollment"}));
    invalid_primary.report.error("cacertificates.expired", "/ca_certificates/0", "expired");
    std::vector<PolicyCheck> policies{invalid_primary, valid(basic("b"))};
    Resolved r = run(inv, policies);
    const auto& a = r.policy("a");
    EXPECT_EQ(a["valid"], false);
    EXPECT_EQ(a["counts"]["policy_invalid"], 1);
    EXPECT_EQ(entry_for(a["excluded"], "d-ok")["reason"], "policy_invalid");
    ASSERT_EQ(a["included_via_fallback"].size(), 2u);
    EXPECT_EQ(entry_for(a["included_via_fallback"], "d-ue")["message"],
              "step-ca needs the attested serial number or UDID, which User Enrollment devices do not provide: gets "
              "Policy b instead");
    EXPECT_EQ(r.policy("b")["included"].size(), 2u);

    State state{{{"d-ok", "a", {"com.example.a", "uuid-a-d-ok"}},
                 {"d-old", "b", {"com.example.b", "uuid-b-d-old"}},
                 {"d-ue", "b", {"com.example.b", "uuid-b-d-ue"}}}};
    state.normalize();
    Plan result = plan(inv, policies, resolve(inv, policies), state, [](const PlanPair& pair, Report&) {
        return std::optional<ProfileIdentity>(
            ProfileIdentity{"com.example." + pair.policy.id, "uuid-" + pair.policy.id + "-" + pair.device.id});
    });
    EXPECT_TRUE(result.actions.empty()) << to_json(result).dump();
}

TEST(Fallback, ArrivalsMergeWithTheFallbacksOwnDevicesAndCollisions) {
    DeviceRecord twin_a = old_ipad("d-1");
    DeviceRecord twin_b = old_ipad("d-2");
    twin_a.device_name = twin_b.device_name = "Warehouse iPad";
    Inventory inv = inventory({twin_a, twin_b, iphone("d-3")});
    Policy b = make_policy("b", {}, {"d-1", "d-3"}, "{{device_name}}");
    std::vector<PolicyCheck> policies{
        valid(with_fallback(attested("a", {"d-1", "d-2"}), "b", {"attestation_unsupported"})), valid(b)};
    Resolved r = run(inv, policies);
    const auto& included = r.policy("b")["included"];
    ASSERT_EQ(included.size(), 2u) << included.dump();  // d-3 lacks device_name: excluded from b
    EXPECT_EQ(included[0]["device"], "d-1");
    EXPECT_EQ(included[0]["via"], nlohmann::json::array({"device", "fallback:a"}));
    EXPECT_EQ(included[1]["device"], "d-2");
    EXPECT_EQ(included[1]["via"], nlohmann::json::array({"fallback:a"}));
    for (const auto& inc : included) {
        ASSERT_EQ(inc["warnings"].size(), 1u) << inc.dump();
        EXPECT_EQ(inc["warnings"][0]["code"], "client_identifier_collision");
    }
}

TEST(Fallback, ExplainSaysWhoGetsWhat) {
    Inventory inv = inventory({old_ipad("d-old")}, {group("g", "Warehouse", {"d-old"})});
    Policy b = basic("b", {"d-old"});
    b.name = "Corp ACME (no attestation)";
    Policy a = with_fallback(attested("a", {}), "b", {"attestation_unsupported"});
    a.targets.device_groups = {"g"};
    a.name = "Corporate ACME";
    std::vector<PolicyCheck> policies{valid(a), valid(b)};
    Resolution r = resolve(inv, policies);
    Explanation primary = explain(inv, policies, r, 0, 0);
    EXPECT_FALSE(primary.included);
    EXPECT_EQ(primary.reason, "attestation_unsupported");
    EXPECT_EQ(primary.fallback_policy, "b");
    EXPECT_EQ(primary.message, "fallback: iPad7,5 cannot attest: gets Corp ACME (no attestation) instead");
    auto json = to_json(primary, "a", "d-old");
    EXPECT_EQ(json["included_via_fallback"], (nlohmann::json{{"policy", "b"}, {"reason", "attestation_unsupported"}}));
    Explanation target = explain(inv, policies, r, 1, 0);
    EXPECT_TRUE(target.included);
    EXPECT_EQ(target.message, "included directly and as the fallback of Corporate ACME");
    EXPECT_FALSE(to_json(target, "b", "d-old").contains("included_via_fallback"));
}

std::string read_example(const std::string& relative) {
    std::ifstream file(std::string(ACMEPOLICY_SOURCE_DIR) + "/examples/" + relative, std::ios::binary);
    EXPECT_TRUE(file) << relative;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

TEST(Fallback, TheFacadeFollowsFallbacksInResolveAndExplain) {
    const std::string inventory_json = read_example("inventory.json");
    const std::string primary = read_example("policies/attested-step-ca.json");
    const std::string fallback = read_example("policies/corp-acme-no-attest.json");
    ApiResult r = api_resolve(inventory_json, "[" + primary + "," + fallback + "]", "");
    ASSERT_EQ(r.status, ApiStatus::ok) << r.json;
    auto doc = nlohmann::json::parse(r.json);
    const auto& moved = doc["policies"][0]["included_via_fallback"];
    ASSERT_EQ(moved.size(), 2u);
    EXPECT_EQ(moved[0]["device"], "d-0006");  // User Enrollment
    EXPECT_EQ(moved[1]["device"], "d-0007");  // iPad7,5
    EXPECT_EQ(moved[1]["message"], "iPad7,5 cannot attest: gets Corp ACME (no attestation) instead");

    // Alone the primary names a policy the set lacks: invalid, nothing moves, nothing is lost.
    r = api_resolve(inventory_json, "[" + primary + "]", "");
    EXPECT_EQ(r.status, ApiStatus::invalid_input);
    doc = nlohmann::json::parse(r.json);
    EXPECT_EQ(doc["policies"][0]["valid"], false);

    ApiResult e = api_explain(inventory_json, "[" + primary + "," + fallback + "]", "d-0007", "");
    ASSERT_EQ(e.status, ApiStatus::ok) << e.json;
    auto answer = nlohmann::json::parse(e.json);
    EXPECT_EQ(answer["policy"], "attested-step-ca");
    EXPECT_EQ(answer["included"], false);
    EXPECT_EQ(answer["reason"], "attestation_unsupported");
    EXPECT_EQ(answer["included_via_fallback"]["policy"], "corp-acme-no-attest");
    e = api_explain(inventory_json, "[" + fallback + "," + primary + "]", "d-0007", "");
    answer = nlohmann::json::parse(e.json);
    EXPECT_EQ(answer["included"], true);
    EXPECT_EQ(answer["message"], "included as the fallback of Attested step-ca");
    // One document still works as before; an empty array is refused.
    EXPECT_EQ(api_explain(inventory_json, primary, "d-0007", "").status, ApiStatus::ok);
    EXPECT_EQ(api_explain(inventory_json, "[]", "d-0007", "").status, ApiStatus::invalid_input);
}

/// Identities that depend only on the pair, as a renderer's would.
IdentityFunction identities() {
    return [](const PlanPair& pair, Report&) -> std::optional<ProfileIdentity> {
        return ProfileIdentity{"com.example." + pair.policy.id, "uuid-" + pair.policy.id + "-" + pair.device.id};
    };
}

// Lifecycle: a device that changes (enrollment, hardware swap recorded under the same id) moves between
// primary and fallback with the new profile installed before the old one is removed, whichever policy id
// sorts first.
TEST(Fallback, MovingBetweenPrimaryAndFallbackInstallsBeforeRemoving) {
    for (const auto& [primary_id, fallback_id] : {std::pair<std::string, std::string>{"a-attested", "b-basic"},
                                                  std::pair<std::string, std::string>{"z-attested", "b-basic"}}) {
        std::vector<PolicyCheck> policies{
            valid(with_fallback(attested(primary_id, {"d-1"}), fallback_id, {"user_enrollment"})),
            valid(basic(fallback_id))};
        // Installed: the primary. Now the device is re-enrolled with User Enrollment.
        State state{{{"d-1", primary_id, {"com.example." + primary_id, "uuid-" + primary_id + "-d-1"}}}};
        Inventory moved = inventory({user_enrolled("d-1")});
        Plan to_fallback = plan(moved, policies, resolve(moved, policies), state, identities());
        ASSERT_EQ(to_fallback.actions.size(), 2u) << to_json(to_fallback).dump();
        EXPECT_EQ(to_fallback.actions[0].kind, PlanActionKind::install);
        EXPECT_EQ(to_fallback.actions[0].policy_id, fallback_id);
        EXPECT_EQ(to_fallback.actions[1].kind, PlanActionKind::remove);
        EXPECT_EQ(to_fallback.actions[1].policy_id, primary_id);
        State on_fallback = apply(state, to_fallback);
        EXPECT_TRUE(plan(moved, policies, resolve(moved, policies), on_fallback, identities()).actions.empty());

        // And back: enrolled through ADE again, the primary is installed first, then the fallback removed.
        Inventory back = inventory({iphone("d-1")});
        Plan to_primary = plan(back, policies, resolve(back, policies), on_fallback, identities());
        ASSERT_EQ(to_primary.actions.size(), 2u) << to_json(to_primary).dump();
        EXPECT_EQ(to_primary.actions[0].kind, PlanActionKind::install);
        EXPECT_EQ(to_primary.actions[0].policy_id, primary_id);
        EXPECT_EQ(to_primary.actions[1].kind, PlanActionKind::remove);
        EXPECT_EQ(to_primary.actions[1].policy_id, fallback_id);
        EXPECT_EQ(apply(on_fallback, to_primary).profiles.size(), 1u);
    }
}

// If the fallback becomes invalid, devices on it keep its profile (issue: never uninstall on invalid) and
// are not pushed back onto a primary they cannot use.
TEST(Fallback, AnInvalidFallbackKeepsItsInstalledProfiles) {
    Inventory inv = inventory({user_enrolled("d-1")});
    PolicyCheck fallback = valid(basic("b"));
    fallback.report.error("cacertificates.expired", "/ca_certificates/0", "expired");
    std::vector<PolicyCheck> policies{valid(with_fallback(attested("a", {"d-1"}), "b", {"user_enrollment"})), fallback};
    State state{{{"d-1", "b", {"com.example.b", "uuid-b-d-1"}}}};
    Plan result = plan(inv, policies, resolve(inv, policies), state, identities());
    EXPECT_TRUE(result.actions.empty()) << to_json(result).dump();
}

}  // namespace
}  // namespace acmepolicy
