// Identity rules: stable PayloadIdentifier, deterministic content-derived UUIDs, profile_identity().
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "render_test_support.hpp"

namespace acmepolicy {
namespace {

using render_test::sample_device;
using render_test::sample_options;
using render_test::sample_policy;

std::vector<std::string> uuids_in(const std::string& xml) {
    static const std::regex uuid_re("<key>PayloadUUID</key>\\s*<string>([^<]*)</string>");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), uuid_re); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1]);
    return out;
}

std::string render_xml(const Policy& policy, const DeviceRecord& device, const RenderOptions& options) {
    RenderResult r = render_profile(policy, &device, options);
    EXPECT_TRUE(r.ok());
    return r.bytes;
}

TEST(RenderIdentity, EveryUuidIsAnUpperCaseVersion5Uuid) {
    const auto uuids = uuids_in(render_xml(sample_policy(), sample_device(), sample_options()));
    ASSERT_EQ(uuids.size(), 3u);  // acme, root, profile
    static const std::regex v5("[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
    for (const auto& u : uuids) EXPECT_TRUE(std::regex_match(u, v5)) << u;
    EXPECT_EQ(std::set<std::string>(uuids.begin(), uuids.end()).size(), 3u);
}

TEST(RenderIdentity, ByteIdenticalAcrossRunsAndRenderers) {
    const std::string first = render_xml(sample_policy(), sample_device(), sample_options());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(render_xml(sample_policy(), sample_device(), sample_options()), first);
    PolicyRenderer renderer(sample_policy(), sample_options());
    const DeviceRecord device = sample_device();
    EXPECT_EQ(renderer.render(&device, RenderFormat::mobileconfig).bytes, first);
    EXPECT_EQ(renderer.render(&device, RenderFormat::mobileconfig).bytes, first);
}

TEST(RenderIdentity, RenewalGenerationChangesEveryUuidButNotTheIdentifier) {
    const DeviceRecord device = sample_device();
    RenderOptions renewed = sample_options();
    renewed.renewal = 0;
    EXPECT_EQ(render_xml(sample_policy(), device, renewed), render_xml(sample_policy(), device, sample_options()));
    const auto base = uuids_in(render_xml(sample_policy(), device, sample_options()));
    std::set<std::string> seen(base.begin(), base.end());
    for (std::int64_t generation : {1, 2, 10}) {
        renewed.renewal = generation;
        const auto uuids = uuids_in(render_xml(sample_policy(), device, renewed));
        ASSERT_EQ(uuids.size(), base.size());
        for (const auto& u : uuids) EXPECT_TRUE(seen.insert(u).second) << "generation " << generation << " reused " << u;
        EXPECT_EQ(profile_identity(sample_policy(), device, renewed).payload_uuid, uuids.back());
        EXPECT_EQ(profile_identity(sample_policy(), device, renewed).payload_identifier,
                  profile_identity(sample_policy(), device, sample_options()).payload_identifier);
        // The template a reused renderer builds gives the same UUIDs as the one-off render.
        PolicyRenderer renderer(sample_policy(), renewed);
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(uuids_in(renderer.render(&device, RenderFormat::mobileconfig).bytes), uuids);
    }
}

TEST(RenderIdentity, OneFieldChangeChangesUuidsButNotTheIdentifier) {
    const std::string base = render_xml(sample_policy(), sample_device(), sample_options());
    const auto base_uuids = uuids_in(base);

    Policy edited = sample_policy();
    edited.payload.key_size = 256;
    const std::string changed = render_xml(edited, sample_device(), sample_options());
    const auto changed_uuids = uuids_in(changed);
    ASSERT_EQ(changed_uuids.size(), base_uuids.size());
    EXPECT_NE(changed_uuids[0], base_uuids[0]);  // the ACME payload changed
    EXPECT_EQ(changed_uuids[1], base_uuids[1]);  // the root payload did not
    EXPECT_NE(changed_uuids[2], base_uuids[2]);  // so the profile changed
    const DeviceRecord device = sample_device();
    EXPECT_EQ(profile_identity(edited, device, sample_options()).payload_identifier,
              profile_identity(sample_policy(), device, sample_options()).payload_identifier);

    Policy renamed = sample_policy();
    renamed.name = "Corporate ACME (v2)";
    const auto renamed_uuids = uuids_in(render_xml(renamed, sample_device(), sample_options()));
    EXPECT_EQ(renamed_uuids[0], base_uuids[0]);
    EXPECT_NE(renamed_uuids[2], base_uuids[2]);
    EXPECT_EQ(profile_identity(renamed, device, sample_options()).payload_identifier, "com.example.mdm.corp-acme");
}

TEST(RenderIdentity, DevicesGetDistinctUuidsAndTheSameIdentifier) {
    DeviceRecord a = sample_device();
    DeviceRecord b = sample_device();
    b.id = "d-0043";
    const ProfileIdentity ia = profile_identity(sample_policy(), a, sample_options());
    const ProfileIdentity ib = profile_identity(sample_policy(), b, sample_options());
    EXPECT_EQ(ia.payload_identifier, ib.payload_identifier);
    EXPECT_NE(ia.payload_uuid, ib.payload_uuid);
}

TEST(RenderIdentity, ProfileIdentityMatchesTheRenderedProfile) {
    const DeviceRecord device = sample_device();
    RenderResult r = render_profile(sample_policy(), &device, sample_options());
    ASSERT_TRUE(r.ok());
    const ProfileIdentity id = profile_identity(sample_policy(), device, sample_options());
    EXPECT_EQ(id.payload_identifier, "com.example.mdm.corp-acme");
    EXPECT_EQ(id.payload_uuid, r.identity.payload_uuid);
    EXPECT_EQ(uuids_in(r.bytes).back(), id.payload_uuid);
    EXPECT_EQ(profile_payload_identifier(sample_policy(), sample_options()), id.payload_identifier);
}

TEST(RenderIdentity, ProfileIdentityReportsWhyItCannotRender) {
    DeviceRecord device = sample_device();
    device.serial_number.reset();
    Report report;
    const ProfileIdentity id = profile_identity(sample_policy(), device, sample_options(), &report);
    EXPECT_EQ(id.payload_identifier, "com.example.mdm.corp-acme");
    EXPECT_TRUE(id.payload_uuid.empty());
    EXPECT_TRUE(report.has_code("render.variable_missing"));
}

TEST(RenderIdentity, PrefixChangesTheIdentifier) {
    RenderOptions options = sample_options();
    options.identifier_prefix = "org.example";
    EXPECT_EQ(profile_identity(sample_policy(), sample_device(), options).payload_identifier, "org.example.corp-acme");
}

}  // namespace
}  // namespace acmepolicy
