// Reading inventories: shape, duplicate ids, unknown group members, lookups.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/inventory.hpp"

namespace acmepolicy {
namespace {

const Diagnostic* find(const Report& report, const std::string& code) {
    for (const auto& d : report.diagnostics())
        if (d.code == code) return &d;
    return nullptr;
}

TEST(Inventory, ReadsDevicesAndGroupsSortedById) {
    Report report;
    Inventory inv = parse_inventory(R"({"devices": [{"id": "d-2", "platform": "iOS"}, {"id": "d-1"}],
        "groups": [{"id": "g-b", "name": "B", "devices": ["d-2", "d-1", "d-2"]}, {"id": "g-a", "devices": []}]})",
                                   report);
    ASSERT_TRUE(report.empty()) << report.diagnostics().front().message;
    ASSERT_EQ(inv.devices().size(), 2u);
    EXPECT_EQ(inv.devices()[0].id, "d-1");
    EXPECT_EQ(inv.devices()[1].id, "d-2");
    ASSERT_EQ(inv.groups().size(), 2u);
    EXPECT_EQ(inv.groups()[0].id, "g-a");
    EXPECT_EQ(inv.groups()[1].name, "B");
    EXPECT_EQ(inv.groups()[1].members, (std::vector<DeviceIndex>{0, 1}));  // sorted, repeats dropped
    EXPECT_EQ(inv.find_device("d-2"), DeviceIndex{1});
    EXPECT_EQ(inv.find_group("g-b"), GroupIndex{1});
    EXPECT_FALSE(inv.find_device("d-3").has_value());
    EXPECT_FALSE(inv.find_group("").has_value());
}

TEST(Inventory, DuplicateDeviceIdIsAnErrorAtTheDuplicate) {
    Report report;
    Inventory inv = parse_inventory(
        R"({"devices": [{"id": "d-1", "device_name": "first"}, {"id": "d-0"}, {"id": "d-1", "device_name": "second"}]})",
        report);
    ASSERT_FALSE(report.valid());
    const Diagnostic* d = find(report, "inventory.duplicate_id");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, "/devices/2/id");
    ASSERT_EQ(inv.devices().size(), 2u);
    EXPECT_EQ(inv.devices()[1].device_name, "first");
}

TEST(Inventory, DuplicateGroupIdIsAnError) {
    Report report;
    parse_inventory(R"({"groups": [{"id": "g"}, {"id": "g"}]})", report);
    const Diagnostic* d = find(report, "inventory.duplicate_id");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, "/groups/1/id");
}

TEST(Inventory, DuplicatePathCountsSkippedBadRecords) {
    Report report;
    parse_inventory(R"({"devices": [{"id": "d-1"}, {"bogus": 1}, {"id": "d-1"}]})", report);
    const Diagnostic* d = find(report, "inventory.duplicate_id");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, "/devices/2/id");
    EXPECT_TRUE(report.has_code("device.unknown_key"));
}

TEST(Inventory, UnknownGroupMemberIsAWarningAndDropped) {
    Report report;
    Inventory inv = parse_inventory(R"({"devices": [{"id": "d-1"}], "groups": [{"id": "g", "devices": ["d-1", "ghost"]}]})",
                                   report);
    EXPECT_TRUE(report.valid());
    const Diagnostic* d = find(report, "inventory.unknown_device");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->severity, Severity::warning);
    EXPECT_EQ(d->path, "/groups/0/devices/1");
    EXPECT_NE(d->message.find("ghost"), std::string::npos);
    EXPECT_EQ(inv.groups()[0].members.size(), 1u);
}

TEST(Inventory, ShapeErrorsHaveCodesAndPaths) {
    struct Case {
        const char* text;
        const char* code;
        const char* path;
    };
    for (const Case& c : {Case{"[]", "inventory.type", ""},
                          Case{R"({"device": []})", "inventory.unknown_key", "/device"},
                          Case{R"({"devices": {}})", "inventory.type", "/devices"},
                          Case{R"({"groups": [{"name": "x"}]})", "inventory.missing", "/groups/0/id"},
                          Case{R"({"groups": [{"id": 3}]})", "inventory.type", "/groups/0/id"},
                          Case{R"({"groups": [{"id": "g", "devices": [1]}]})", "inventory.type", "/groups/0/devices/0"},
                          Case{R"({"groups": [{"id": "g", "members": []}]})", "inventory.unknown_key",
                               "/groups/0/members"},
                          Case{R"({"devices": [{"id": "d", "platform": "Android"}]})", "device.platform",
                               "/devices/0/platform"},
                          Case{R"({"devices": [)", "json.syntax", ""}}) {
        Report report;
        parse_inventory(c.text, report);
        const Diagnostic* d = find(report, c.code);
        ASSERT_NE(d, nullptr) << c.text;
        EXPECT_EQ(d->path, c.path) << c.text;
        EXPECT_EQ(d->severity, Severity::error) << c.text;
        EXPECT_FALSE(d->message.empty());
    }
}

TEST(Inventory, EmptyDocumentIsAnEmptyInventory) {
    Report report;
    Inventory inv = parse_inventory("{}", report);
    EXPECT_TRUE(report.empty());
    EXPECT_TRUE(inv.devices().empty());
}

}  // namespace
}  // namespace acmepolicy
