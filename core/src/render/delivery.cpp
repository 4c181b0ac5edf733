// The per-device choice between the profile and the declarative credential (see delivery.hpp).
#include "acmepolicy/delivery.hpp"

#include <optional>
#include <utility>

#include "acmepolicy/plist.hpp"
#include "render/builders.hpp"

namespace acmepolicy {
namespace {

struct Minimum {
    Platform platform;
    int major, minor;
    const char* text;
};

// Apple's availability of com.apple.asset.credential.acme (credential-types.acme.yaml).
constexpr Minimum kMinimums[] = {{Platform::iOS, 17, 0, "iOS 17.0"},     {Platform::iPadOS, 17, 0, "iPadOS 17.0"},
                                 {Platform::macOS, 14, 0, "macOS 14.0"}, {Platform::tvOS, 17, 0, "tvOS 17.0"},
                                 {Platform::watchOS, 10, 0, "watchOS 10.0"}, {Platform::visionOS, 1, 1, "visionOS 1.1"}};

const Minimum& minimum_of(const DeviceRecord& device) {
    const Platform platform = device.platform.value_or(Platform::iOS);
    for (const auto& m : kMinimums)
        if (m.platform == platform) return m;
    return kMinimums[0];
}

// "17.4.1" → {17, 4}; nullopt when the text does not start with a number.
std::optional<std::pair<int, int>> major_minor(const std::string& version) {
    int major = 0, minor = 0;
    std::size_t i = 0;
    if (version.empty() || version[0] < '0' || version[0] > '9') return std::nullopt;
    while (i < version.size() && version[i] >= '0' && version[i] <= '9' && major < 10000)
        major = major * 10 + (version[i++] - '0');
    if (i < version.size() && version[i] == '.') {
        ++i;
        while (i < version.size() && version[i] >= '0' && version[i] <= '9' && minor < 10000)
            minor = minor * 10 + (version[i++] - '0');
    }
    return std::make_pair(major, minor);
}

}  // namespace

std::string declarative_minimum(const DeviceRecord& device) { return minimum_of(device).text; }

bool supports_declarative_credential(const DeviceRecord& device) {
    if (!device.os_version) return false;
    auto version = major_minor(*device.os_version);
    const Minimum& m = minimum_of(device);
    return version && (version->first > m.major || (version->first == m.major && version->second >= m.minor));
}

bool below_declarative_minimum(const DeviceRecord& device) {
    if (!device.os_version) return false;
    auto version = major_minor(*device.os_version);
    const Minimum& m = minimum_of(device);
    return version && (version->first < m.major || (version->first == m.major && version->second < m.minor));
}

DeliveryChoice choose_delivery(const Policy& policy, const DeviceRecord& device) {
    switch (policy.delivery) {
    case Delivery::profile: return {false, "delivery \"profile\": a configuration profile"};
    case Delivery::declarative: return {true, "delivery \"declarative\": the declarative ACME credential"};
    case Delivery::automatic: break;
    }
    const std::string platform = to_string(device.platform.value_or(Platform::iOS));
    if (supports_declarative_credential(device))
        return {true, "auto: " + platform + " " + *device.os_version + " supports the declarative credential (" +
                          declarative_minimum(device) + " or later)"};
    if (!device.os_version)
        return {false, "auto: the OS version is unknown, so a configuration profile (the declarative credential "
                       "needs " + declarative_minimum(device) + " or later)"};
    return {false, "auto: " + platform + " " + *device.os_version + " is below " + declarative_minimum(device) +
                       ", so a configuration profile"};
}

std::string render_declarative_management_command(const std::string& command_uuid) {
    plist::Dict request;
    request.emplace_back("RequestType", plist::Value("DeclarativeManagement"));
    return plist::write_xml(render_detail::build_command(std::move(request), command_uuid));
}

}  // namespace acmepolicy
