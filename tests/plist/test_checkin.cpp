// device_from_checkin / api_device_from_checkin: the one mapping of check-ins and DeviceInformation answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/checkin.hpp"
#include "acmepolicy/plist.hpp"

using namespace acmepolicy;
using nlohmann::json;

namespace {

std::string checkin(const char* type, plist::Dict facts) {
    facts.emplace_back("MessageType", plist::Value(type));
    return plist::write_xml(plist::Value(std::move(facts)));
}

json call(const std::string& bytes, const json& options, ApiStatus expected = ApiStatus::ok) {
    const ApiResult r = api_device_from_checkin(bytes, options.is_null() ? "" : options.dump());
    EXPECT_EQ(r.status, expected) << r.json;
    return json::parse(r.json);
}

}  // namespace

TEST(Checkin, AuthenticateGivesTheRecord) {
    const json j = call(checkin("Authenticate", {{"UDID", "U-1"},
                                                 {"SerialNumber", "S-1"},
                                                 {"ProductName", "iPad13,4"},
                                                 {"OSVersion", "17.4"},
                                                 {"DeviceName", "Lab iPad"},
                                                 {"Challenge", plist::Data{"x"}}}),
                        nullptr);
    EXPECT_EQ(j["message_type"], "Authenticate");
    EXPECT_EQ(j["device"], json({{"id", "U-1"}, {"udid", "U-1"}, {"serial_number", "S-1"}, {"platform", "iPadOS"},
                                 {"os_version", "17.4"}, {"product_name", "iPad13,4"}, {"enrollment", "device"},
                                 {"device_name", "Lab iPad"}}));
    EXPECT_EQ(j["user_channel"], false);
    EXPECT_EQ(j["changed"], true);
}

TEST(Checkin, PlatformOfEveryFamilyAndNeverAGuess) {
    const std::pair<const char*, const char*> cases[] = {
        {"iPhone15,2", "iOS"},    {"iPod9,1", "iOS"},        {"iPad7,5", "iPadOS"}, {"Mac14,2", "macOS"},
        {"iMac21,1", "macOS"},    {"VirtualMac2,1", "macOS"}, {"AppleTV14,1", "tvOS"}, {"Watch6,1", "watchOS"},
        {"RealityDevice14,1", "visionOS"}};
    for (const auto& [product, platform] : cases) {
        const json j = call(checkin("TokenUpdate", {{"UDID", "U"}, {"ProductName", product}}), nullptr);
        EXPECT_EQ(j["device"]["platform"], platform) << product;
    }
    // An unknown product keeps the record's platform (none here; tvOS in the second case).
    json j = call(checkin("Authenticate", {{"UDID", "U"}, {"ProductName", "Toaster1,1"}}), nullptr);
    EXPECT_FALSE(j["device"].contains("platform"));
    EXPECT_EQ(j["device"]["product_name"], "Toaster1,1");
    j = call(checkin("Authenticate", {{"ProductName", "Toaster1,1"}}),
             {{"device", {{"id", "d"}, {"platform", "tvOS"}}}});
    EXPECT_EQ(j["device"]["platform"], "tvOS");
}

TEST(Checkin, MergesIntoTheCurrentRecord) {
    const json current = {{"id", "dev-1"}, {"udid", "U"}, {"enrollment", "ade"}, {"user_email", "a@example.com"},
                          {"os_version", "17.0"}};
    json j = call(checkin("TokenUpdate", {{"OSVersion", "17.5"}, {"SerialNumber", ""}}), {{"device", current}});
    EXPECT_EQ(j["device"]["id"], "dev-1");
    EXPECT_EQ(j["device"]["os_version"], "17.5");
    EXPECT_EQ(j["device"]["enrollment"], "ade");  // never replaced by a check-in
    EXPECT_EQ(j["device"]["user_email"], "a@example.com");
    EXPECT_FALSE(j["device"].contains("serial_number"));  // empty strings are no facts
    EXPECT_EQ(j["changed"], true);
    j = call(checkin("TokenUpdate", {{"OSVersion", "17.0"}}), {{"device", current}});
    EXPECT_EQ(j["changed"], false);
}

TEST(Checkin, UserEnrollment) {
    json j = call(checkin("Authenticate", {{"EnrollmentID", "E-1"}}), nullptr);
    EXPECT_EQ(j["device"]["id"], "E-1");
    EXPECT_EQ(j["device"]["enrollment"], "user");
    j = call(checkin("Authenticate", {{"UDID", "U"}}), {{"enrollment_type", "User Enrollment (Device)"}});
    EXPECT_EQ(j["device"]["enrollment"], "user");
    j = call(checkin("Authenticate", {{"EnrollmentID", "E-1"}}), {{"enrollment_type", "Device"}});
    EXPECT_EQ(j["device"]["enrollment"], "device");
    // User channels are flagged: by the MDM's type, or by a UserID when the MDM gives no type.
    for (const char* type : {"User", "Shared iPad", "User Enrollment"})
        EXPECT_EQ(call(checkin("TokenUpdate", {{"UDID", "U"}}), {{"enrollment_type", type}})["user_channel"], true);
    EXPECT_EQ(call(checkin("TokenUpdate", {{"UDID", "U"}, {"UserID", "u1"}}), nullptr)["user_channel"], true);
    EXPECT_EQ(call(checkin("TokenUpdate", {{"UDID", "U"}, {"UserID", "u1"}}), {{"enrollment_type", "Device"}})["user_channel"],
              false);
}

TEST(Checkin, DeviceInformationNeverMovesIdentifiers) {
    const plist::Value answer = plist::Dict{
        {"CommandUUID", "C-1"},
        {"Status", "Acknowledged"},
        {"UDID", "OTHER"},
        {"QueryResponses", plist::Dict{{"UDID", "OTHER"},
                                       {"SerialNumber", "OTHER-SERIAL"},
                                       {"OSVersion", "18.1"},
                                       {"ProductName", "iPhone16,1"},
                                       {"IsSupervised", true},
                                       {"DeviceName", "Phone"}}}};
    const json current = {{"id", "dev-1"}, {"udid", "U"}, {"serial_number", "S"}, {"enrollment", "device"}};
    const json j = call(plist::write_xml(answer), {{"device", current}});
    EXPECT_EQ(j["message_type"], "DeviceInformation");
    EXPECT_EQ(j["device"], json({{"id", "dev-1"}, {"udid", "U"}, {"serial_number", "S"}, {"platform", "iOS"},
                                 {"os_version", "18.1"}, {"product_name", "iPhone16,1"}, {"enrollment", "device"},
                                 {"supervised", true}, {"device_name", "Phone"}}));
    // Without a record nor an id, an answer names no device.
    EXPECT_EQ(call(plist::write_xml(answer), nullptr, ApiStatus::invalid_input)["diagnostics"][0]["code"],
              "checkin.no_id");
}

TEST(Checkin, Refusals) {
    auto code = [](const std::string& bytes, const json& options) {
        const json j = call(bytes, options, ApiStatus::invalid_input);
        return j["diagnostics"][0]["code"].get<std::string>();
    };
    EXPECT_EQ(code("<plist><dict><key>a</key></dict></plist>", nullptr).rfind("plist.", 0), 0u);
    EXPECT_EQ(code(plist::write_xml(plist::Value(plist::Array{})), nullptr), "checkin.not_dict");
    EXPECT_EQ(code(checkin("CheckOut", {{"UDID", "U"}}), nullptr), "checkin.unsupported");
    EXPECT_EQ(code(plist::write_xml(plist::Value(plist::Dict{{"UDID", "U"}})), nullptr), "checkin.unsupported");
    EXPECT_EQ(code(checkin("Authenticate", {{"Topic", "t"}}), nullptr), "checkin.no_id");
    EXPECT_EQ(code(checkin("Authenticate", {}), {{"device", {{"id", "d"}, {"platform", "Android"}}}}), "device.platform");
    for (const char* options : {"[1]", "{\"id\":3}", "{\"ids\":\"x\"}", "{not json"}) {
        const ApiResult r = api_device_from_checkin(checkin("Authenticate", {{"UDID", "U"}}), options);
        EXPECT_EQ(r.status, ApiStatus::bad_arguments) << options;
    }
}
