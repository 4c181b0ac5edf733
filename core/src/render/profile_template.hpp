// The .mobileconfig of one policy as text with holes, made once per renderer, so that a device's profile
// is only its values filled in, three or more SHA-1s for the PayloadUUIDs, and copies (internal).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/render.hpp"
#include "crypto/sha1_stream.hpp"
#include "render/prepared.hpp"

namespace acmepolicy::render_detail {

/// What fills a hole: the index-th field value (for_each_field order) or the index-th PayloadUUID
/// (0 = the ACME payload, 1..n = the root payloads, n + 1 = the profile).
struct Hole {
    enum class Kind : std::uint8_t { value, uuid };
    Kind kind;
    std::uint32_t index;
};

/// A text split at its holes: pieces[0] hole[0] pieces[1] ... hole[n-1] pieces[n].
struct HoledText {
    std::vector<std::string> pieces;
    std::vector<Hole> holes;
};

/// The device-independent part of a policy's profile. Exactly what build_profile + plist::write_xml
/// give, byte for byte: it is made from their output, with marker values where a device's values and
/// UUIDs go, and refused (make returns null) when the markers cannot be told apart from the policy's own
/// text.
class ProfileTemplate {
public:
    /// Null when the prepared policy has errors or its text holds something that looks like a marker;
    /// callers then render through build_profile.
    static std::unique_ptr<ProfileTemplate> make(const PreparedPolicy& prepared);

    /// The profile XML for `device` (null = preview) into `xml`, and its PayloadUUID into `identity`; false with errors in
    /// `report` when a value is missing (the diagnostics resolve() gives). `xml` null: identity only.
    bool render(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report, std::string* xml,
                ProfileIdentity& identity);

private:
    ProfileTemplate() = default;

    HoledText acme_canonical_;  // canonical bytes of the ACME payload (PayloadUUID left out)
    HoledText top_canonical_;   // canonical bytes of the top level, PayloadContent = the inner UUIDs
    HoledText xml_;             // the whole document
    std::string uuid_prefix_;   // namespace bytes, S("acmepolicy.render.v1"), S(policy id)
    // uuid_prefix_ and the first 8 bytes of S(device id) for ids shorter than 256 bytes, already hashed:
    // every name starts so, and the first SHA-1 block never depends on the device.
    detail::Sha1Stream head_;
    std::vector<std::string> root_suffixes_;  // S("root.<i>") + the root payload's canonical bytes
    std::size_t field_count_ = 0;
    std::size_t xml_size_ = 0;  // of the pieces of xml_

    // Reused by every render (a renderer is used by one thread at a time).
    std::vector<std::string> values_;
    std::vector<std::string> uuids_;
    std::string name_;
};

}  // namespace acmepolicy::render_detail
