// The reconciliation plan: each action kind, ordering, and the idempotence property.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "acmepolicy/plan.hpp"
#include "acmepolicy/render.hpp"
#include "fixtures.hpp"

namespace acmepolicy {
namespace {

using testing::group;
using testing::inventory;
using testing::iphone;
using testing::make_policy;
using testing::valid;

/// Identities as a table the test controls: identifier "<prefix>.<policy>", UUID from a content version
/// per (policy, device) pair. Bumping a version models "the rendered content changed".
struct IdentityTable {
    std::string prefix = "com.example";
    std::map<std::pair<std::string, std::string>, int> version;
    std::set<std::pair<std::string, std::string>> failing;

    IdentityFunction function() const {
        return [this](const PlanPair& pair, Report& report) -> std::optional<ProfileIdentity> {
            const auto key = std::make_pair(pair.policy.id, pair.device.id);
            if (failing.count(key)) {
                report.error("render.variable_missing", "", "cannot render " + pair.device.id);
                return std::nullopt;
            }
            auto it = version.find(key);
            const int v = it == version.end() ? 0 : it->second;
            return ProfileIdentity{prefix + "." + pair.policy.id,
                                   "uuid-" + pair.policy.id + "-" + pair.device.id + "-" + std::to_string(v)};
        };
    }
};

State state_of(std::vector<InstalledProfile> profiles) {
    State s{std::move(profiles)};
    s.normalize();
    return s;
}

std::string describe(const Plan& p) { return to_json(p).dump(); }

TEST(Plan, InstallsWhatIsMissingAndKeepsWhatIsCurrent) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1", "d-2"}))};
    Resolution r = resolve(inv, policies);
    IdentityTable table;
    State state = state_of({{"d-1", "p", {"com.example.p", "uuid-p-d-1-0"}}});
    Plan result = plan(inv, policies, r, state, table.function());
    ASSERT_EQ(result.actions.size(), 1u) << describe(result);
    EXPECT_EQ(result.actions[0].kind, PlanActionKind::install);
    EXPECT_EQ(result.actions[0].device_id, "d-2");
    EXPECT_EQ(result.actions[0].payload_identifier, "com.example.p");
    EXPECT_EQ(result.actions[0].payload_uuid, "uuid-p-d-2-0");
}

TEST(Plan, ChangedContentIsAnUpdateWithTheNewUuid) {
    Inventory inv = inventory({iphone("d-1")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1"}))};
    IdentityTable table;
    table.version[{"p", "d-1"}] = 2;
    State state = state_of({{"d-1", "p", {"com.example.p", "uuid-p-d-1-1"}}});
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    ASSERT_EQ(result.actions.size(), 1u);
    EXPECT_EQ(result.actions[0].kind, PlanActionKind::update);
    EXPECT_EQ(result.actions[0].payload_uuid, "uuid-p-d-1-2");
    auto json = to_json(result)["actions"][0];
    EXPECT_EQ(json, (nlohmann::json{{"action", "update"}, {"device", "d-1"}, {"policy", "p"},
                                    {"payload_identifier", "com.example.p"}, {"payload_uuid", "uuid-p-d-1-2"}}));
}

TEST(Plan, RemovesExcludedUntargetedAndDeletedWithTheInstalledIdentifier) {
    DeviceRecord downgraded = iphone("d-old");
    downgraded.os_version = "15.7";
    Inventory inv = inventory({iphone("d-1"), iphone("d-2"), downgraded});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1", "d-old"}))};
    IdentityTable table;
    State state = state_of({
        {"d-1", "p", {"com.example.p", "uuid-p-d-1-0"}},
        {"d-2", "p", {"com.example.p", "uuid-p-d-2-0"}},        // no longer targeted
        {"d-old", "p", {"com.example.p", "uuid-p-d-old-0"}},    // now excluded
        {"d-1", "deleted", {"org.legacy.deleted", "uuid-x"}},  // the policy is gone
        {"d-gone", "p", {"com.example.p", "uuid-y"}},          // the device left the inventory
    });
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    auto json = to_json(result)["actions"];
    ASSERT_EQ(json.size(), 4u) << json.dump();
    EXPECT_EQ(json[0], (nlohmann::json{{"action", "remove"}, {"device", "d-1"}, {"policy", "deleted"},
                                       {"payload_identifier", "org.legacy.deleted"}}));
    EXPECT_EQ(json[1]["device"], "d-2");
    EXPECT_EQ(json[2]["device"], "d-gone");
    EXPECT_EQ(json[3]["device"], "d-old");
    for (const auto& a : json) {
        EXPECT_EQ(a["action"], "remove");
        EXPECT_FALSE(a.contains("payload_uuid"));
    }
}

TEST(Plan, ANewIdentifierReplacesTheOldProfile) {
    Inventory inv = inventory({iphone("d-1")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1"}))};
    IdentityTable table;
    table.prefix = "org.renamed";
    State state = state_of({{"d-1", "p", {"com.example.p", "uuid-p-d-1-0"}}});
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    ASSERT_EQ(result.actions.size(), 2u);
    EXPECT_EQ(result.actions[0].kind, PlanActionKind::remove);
    EXPECT_EQ(result.actions[0].payload_identifier, "com.example.p");
    EXPECT_EQ(result.actions[1].kind, PlanActionKind::install);
    EXPECT_EQ(result.actions[1].payload_identifier, "org.renamed.p");
    EXPECT_TRUE(plan(inv, policies, resolve(inv, policies), apply(state, result), table.function()).actions.empty());
}

TEST(Plan, AnIdentityThatCannotBeComputedLeavesThePairAlone) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1", "d-2"}))};
    IdentityTable table;
    table.failing = {{"p", "d-1"}, {"p", "d-2"}};
    State state = state_of({{"d-1", "p", {"com.example.p", "uuid-old"}}});
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    EXPECT_TRUE(result.actions.empty()) << describe(result);
    EXPECT_EQ(result.diagnostics.diagnostics().size(), 2u);
}

TEST(Plan, StateDocumentRoundTripsAndRejectsBadShapes) {
    Report report;
    State state = read_state(nlohmann::json::parse(R"({"devices": {"d-2": {"p": {"payload_identifier": "a.p",
        "payload_uuid": "U2"}}, "d-1": {"q": {"payload_identifier": "a.q", "payload_uuid": "U1"}}}})"),
                             report);
    ASSERT_TRUE(report.empty());
    ASSERT_EQ(state.profiles.size(), 2u);
    EXPECT_EQ(state.profiles[0].device_id, "d-1");
    EXPECT_EQ(to_json(state)["devices"]["d-2"]["p"]["payload_uuid"], "U2");

    for (const char* bad : {R"([])", R"({"devices": []})", R"({"devices": {"d": []}})",
                            R"({"devices": {"d": {"p": {"payload_identifier": "a"}}}})",
                            R"({"devices": {"d": {"p": {"payload_identifier": "a", "payload_uuid": 1}}}})",
                            R"({"devices": {"d": {"p": {"payload_identifier": "a", "payload_uuid": "u", "x": 1}}}})",
                            R"({"devices": {}, "extra": 1})"}) {
        Report r;
        read_state(nlohmann::json::parse(bad), r);
        EXPECT_FALSE(r.valid()) << bad;
        for (const auto& d : r.diagnostics()) EXPECT_EQ(d.code.rfind("state.", 0), 0u) << d.code;
    }
}

TEST(Plan, UsesTheRealProfileIdentityOfTheRenderer) {
    Inventory inv = inventory({iphone("d-1")});
    std::vector<PolicyCheck> policies{valid(make_policy("p", {}, {"d-1"}))};
    RenderOptions options;
    options.identifier_prefix = "com.example";
    auto identity = [&](const PlanPair& pair, Report& report) -> std::optional<ProfileIdentity> {
        ProfileIdentity id = profile_identity(pair.policy, pair.device, options, &report);
        if (id.payload_uuid.empty()) return std::nullopt;
        return id;
    };
    Resolution r = resolve(inv, policies);
    Plan first = plan(inv, policies, r, State{}, identity);
    ASSERT_EQ(first.actions.size(), 1u) << describe(first);
    EXPECT_EQ(first.actions[0].payload_identifier, "com.example.p");
    State installed = apply(State{}, first);
    EXPECT_TRUE(plan(inv, policies, r, installed, identity).actions.empty());

    policies[0].policy->payload.key_size = 384;  // content changes, identifier does not
    Plan second = plan(inv, policies, resolve(inv, policies), installed, identity);
    ASSERT_EQ(second.actions.size(), 1u) << describe(second);
    EXPECT_EQ(second.actions[0].kind, PlanActionKind::update);
    EXPECT_NE(second.actions[0].payload_uuid, first.actions[0].payload_uuid);
}

// A policy that becomes invalid (an expired CA, a stricter rule after an upgrade) keeps every profile it
// installed: no RemoveProfile for any of its devices, and nothing installed either.
TEST(Plan, AnInvalidPolicyNeverRemovesWhatIsInstalled) {
    DeviceRecord old_os = iphone("d-old");
    old_os.os_version = "15.7";
    Inventory inv = inventory({iphone("d-1"), iphone("d-2"), old_os});
    PolicyCheck broken = valid(make_policy("p", {}, {"d-1", "d-2", "d-old"}));
    broken.report.error("cacertificates.expired", "/ca_certificates/0", "expired");
    std::vector<PolicyCheck> policies{broken, valid(make_policy("q", {}, {"d-1"}))};
    IdentityTable table;
    State state = state_of({
        {"d-1", "p", {"com.example.p", "uuid-p-d-1-0"}},
        {"d-old", "p", {"com.example.p", "uuid-p-d-old-0"}},
        {"d-gone", "p", {"com.example.p", "uuid-p-d-gone-0"}},  // even a device gone from the inventory
        {"d-1", "q", {"com.example.q", "uuid-q-d-1-0"}},
    });
    Resolution r = resolve(inv, policies);
    ASSERT_EQ(r.policies[0].reason_counts[static_cast<std::size_t>(ExclusionReason::policy_invalid)], 3u);
    Plan result = plan(inv, policies, r, state, table.function());
    EXPECT_TRUE(result.actions.empty()) << describe(result);

    // Fixing the policy (or an edit that unassigns) is what removes: once valid, d-old is excluded for
    // its OS and loses the profile, d-2 gets it.
    policies[0] = valid(make_policy("p", {}, {"d-1", "d-2", "d-old"}));
    result = plan(inv, policies, resolve(inv, policies), state, table.function());
    ASSERT_EQ(result.actions.size(), 3u) << describe(result);
    EXPECT_EQ(result.actions[0].kind, PlanActionKind::install);
    EXPECT_EQ(result.actions[0].device_id, "d-2");
    EXPECT_EQ(result.actions[1].kind, PlanActionKind::remove);
    EXPECT_EQ(result.actions[1].device_id, "d-gone");
    EXPECT_EQ(result.actions[2].kind, PlanActionKind::remove);
    EXPECT_EQ(result.actions[2].device_id, "d-old");

    // Deleting the policy from the set removes its profiles.
    policies.erase(policies.begin());
    result = plan(inv, policies, resolve(inv, policies), state, table.function());
    EXPECT_EQ(result.actions.size(), 3u) << describe(result);
    for (const auto& a : result.actions) EXPECT_EQ(a.kind, PlanActionKind::remove);
}

TEST(Plan, AnUnreadablePolicyInTheSetRemovesNothingAsDeleted) {
    Inventory inv = inventory({iphone("d-1")});
    PolicyCheck unreadable;  // no id: it might be the policy of any installed profile
    unreadable.report.error("document.wrong_type", "/payload", "payload must be an object");
    std::vector<PolicyCheck> policies{valid(make_policy("q", {}, {})), unreadable};
    IdentityTable table;
    State state = state_of({{"d-1", "p", {"com.example.p", "uuid-p-d-1-0"}},
                            {"d-1", "q", {"com.example.q", "uuid-q-d-1-0"}}});
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    // q is readable and no longer targets d-1: its profile goes; p's owner might be the unreadable one.
    ASSERT_EQ(result.actions.size(), 1u) << describe(result);
    EXPECT_EQ(result.actions[0].policy_id, "q");
    EXPECT_EQ(result.actions[0].kind, PlanActionKind::remove);
}

// A device moving from one policy to another gets the new profile before the old one is removed.
TEST(Plan, InstallsComeBeforeRemovalsOnEachDevice) {
    Inventory inv = inventory({iphone("d-1"), iphone("d-2")});
    std::vector<PolicyCheck> policies{valid(make_policy("a", {}, {"d-2"})), valid(make_policy("b", {}, {"d-1"}))};
    IdentityTable table;
    State state = state_of({{"d-1", "a", {"com.example.a", "uuid-a-d-1-0"}},
                            {"d-2", "b", {"com.example.b", "uuid-b-d-2-0"}}});
    Plan result = plan(inv, policies, resolve(inv, policies), state, table.function());
    auto json = to_json(result)["actions"];
    ASSERT_EQ(json.size(), 4u) << json.dump();
    EXPECT_EQ(json[0]["action"], "install");
    EXPECT_EQ(json[0]["device"], "d-1");
    EXPECT_EQ(json[0]["policy"], "b");
    EXPECT_EQ(json[1]["action"], "remove");
    EXPECT_EQ(json[1]["device"], "d-1");
    EXPECT_EQ(json[1]["policy"], "a");
    EXPECT_EQ(json[2]["action"], "install");
    EXPECT_EQ(json[2]["device"], "d-2");
    EXPECT_EQ(json[3]["action"], "remove");
    EXPECT_EQ(json[3]["device"], "d-2");
    EXPECT_TRUE(plan(inv, policies, resolve(inv, policies), apply(state, result), table.function()).actions.empty());
}

// Property: for random fleets, policies and installed states, applying a plan and planning again gives no
// actions, and a plan never names a pair twice with the same kind.
TEST(Plan, ApplyingAPlanThenPlanningAgainGivesNothing) {
    std::mt19937 rng(20261128);
    for (int round = 0; round < 200; ++round) {
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        std::vector<DeviceRecord> devices;
        const int device_count = 1 + pick(25);
        for (int d = 0; d < device_count; ++d) {
            DeviceRecord device = iphone("d-" + std::to_string(d));
            if (pick(5) == 0) device.os_version = "15." + std::to_string(pick(8));
            if (pick(7) == 0) device.platform = Platform::macOS;
            if (pick(7) == 0) device.enrollment = Enrollment::none;
            devices.push_back(device);
        }
        std::vector<GroupSpec> groups;
        for (int g = 0; g < 4; ++g) {
            GroupSpec spec{"g-" + std::to_string(g), "G", {}};
            for (int d = 0; d < device_count; ++d)
                if (pick(3) == 0) spec.device_ids.push_back("d-" + std::to_string(d));
            groups.push_back(spec);
        }
        Inventory inv = inventory(devices, groups);
        std::vector<PolicyCheck> policies;
        const int policy_count = pick(5);
        for (int p = 0; p < policy_count; ++p) {
            PolicyCheck check = valid(make_policy("p-" + std::to_string(pick(6)), {"g-" + std::to_string(pick(4))},
                                                  {"d-" + std::to_string(pick(device_count))}));
            if (pick(8) == 0) check.report.error("x", "", "invalid");
            policies.push_back(check);
        }
        IdentityTable table;
        State state;
        for (int k = pick(30); k > 0; --k) {
            const std::string policy = "p-" + std::to_string(pick(8));
            const std::string device = "d-" + std::to_string(pick(device_count + 3));
            const std::string prefix = pick(6) == 0 ? "org.old" : "com.example";
            state.profiles.push_back({device, policy, {prefix + "." + policy, "uuid-" + std::to_string(pick(3))}});
            table.version[{policy, device}] = pick(3);
        }
        state.normalize();
        Resolution r = resolve(inv, policies);
        Plan first = plan(inv, policies, r, state, table.function());
        Plan again = plan(inv, policies, r, apply(state, first), table.function());
        ASSERT_TRUE(again.actions.empty()) << "round " << round << ": " << describe(again);
        // Per device, a removal that replaces nothing comes after every install and update of the device.
        for (std::size_t k = 0; k < first.actions.size(); ++k) {
            const PlanAction& a = first.actions[k];
            const bool replaced = k + 1 < first.actions.size() && first.actions[k + 1].kind != PlanActionKind::remove &&
                                  first.actions[k + 1].device_id == a.device_id &&
                                  first.actions[k + 1].policy_id == a.policy_id;
            if (a.kind != PlanActionKind::remove || replaced) continue;
            for (std::size_t later = k + 1; later < first.actions.size(); ++later) {
                if (first.actions[later].device_id != a.device_id) continue;
                ASSERT_EQ(first.actions[later].kind, PlanActionKind::remove) << "round " << round << ": "
                                                                             << describe(first);
            }
        }
        // Deterministic: the same inputs give the same plan.
        ASSERT_EQ(describe(first), describe(plan(inv, policies, r, state, table.function())));
    }
}

}  // namespace
}  // namespace acmepolicy
