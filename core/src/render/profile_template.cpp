// Making a policy's profile template from the builders' own output, and filling it in for one device.
#include "render/profile_template.hpp"

#include <algorithm>
#include <cstdio>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/plist.hpp"
#include "crypto/uuid_v5.hpp"
#include "plist/xml_text.hpp"
#include "render/builders.hpp"
#include "render/canonical.hpp"

namespace acmepolicy::render_detail {
namespace {

// A marker is "@@acmepolicy-hole-" + 'v' or 'u' + four digits + "@@": nothing the XML writer escapes,
// and of one fixed length, so its canonical encoding has one fixed length prefix too.
constexpr std::string_view kMarkerStart = "@@acmepolicy-hole-";
constexpr std::size_t kMarkerLength = kMarkerStart.size() + 1 + 4 + 2;
constexpr std::uint32_t kMaxHoles = 10000;

std::string marker(Hole::Kind kind, std::uint32_t index) {
    char text[kMarkerLength + 1];
    std::snprintf(text, sizeof text, "%.*s%c%04u@@", static_cast<int>(kMarkerStart.size()), kMarkerStart.data(),
                  kind == Hole::Kind::value ? 'v' : 'u', static_cast<unsigned>(index));
    return std::string(text, kMarkerLength);
}

/// The canonical encoding's length prefix of a marker string ('s' and the 8-byte length).
std::string canonical_marker_prefix() {
    std::string encoded;
    append_canonical_string(encoded, marker(Hole::Kind::value, 0));
    return encoded.substr(0, encoded.size() - kMarkerLength);
}

/// Splits `text` at its markers (in canonical bytes, `tagged`: each with its length prefix). False when
/// a marker is malformed, which only the policy's own text can cause.
bool split(const std::string& text, bool tagged, HoledText& out) {
    static const std::string prefix = canonical_marker_prefix();
    std::size_t from = 0;
    for (std::size_t at = text.find(kMarkerStart); at != std::string::npos; at = text.find(kMarkerStart, from)) {
        if (at + kMarkerLength > text.size()) return false;
        const char kind = text[at + kMarkerStart.size()];
        std::uint32_t index = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const char digit = text[at + kMarkerStart.size() + 1 + i];
            if (digit < '0' || digit > '9') return false;
            index = index * 10 + static_cast<std::uint32_t>(digit - '0');
        }
        if ((kind != 'v' && kind != 'u') || text.compare(at + kMarkerLength - 2, 2, "@@") != 0) return false;
        std::size_t piece_end = at;
        if (tagged) {
            if (at < from + prefix.size() || text.compare(at - prefix.size(), prefix.size(), prefix) != 0)
                return false;
            piece_end = at - prefix.size();
        }
        out.pieces.emplace_back(text, from, piece_end - from);
        out.holes.push_back(Hole{kind == 'v' ? Hole::Kind::value : Hole::Kind::uuid, index});
        from = at + kMarkerLength;
    }
    out.pieces.emplace_back(text, from, std::string::npos);
    return true;
}

/// True when `text` has exactly the holes `expected`, each once, in any order.
bool has_exactly(const HoledText& text, std::vector<std::pair<Hole::Kind, std::uint32_t>> expected) {
    std::vector<std::pair<Hole::Kind, std::uint32_t>> found;
    found.reserve(text.holes.size());
    for (const Hole& h : text.holes) found.emplace_back(h.kind, h.index);
    std::sort(found.begin(), found.end());
    std::sort(expected.begin(), expected.end());
    return found == expected;
}

template <class Fill>
void append_filled(std::string& out, const HoledText& text, Fill&& fill) {
    for (std::size_t i = 0; i < text.holes.size(); ++i) {
        out += text.pieces[i];
        fill(out, text.holes[i]);
    }
    out += text.pieces.back();
}

/// The ACME payload's values with a marker in place of every field that takes a device's values.
ResolvedValues marked_values(const PreparedPolicy& prepared, std::vector<std::uint32_t>& holes) {
    std::uint32_t index = 0;
    auto value_of = [&](const TemplateField& field) {
        const std::uint32_t i = index++;
        if (!field.has_variables || prepared.options.preview) return field.text;
        holes.push_back(i);
        return marker(Hole::Kind::value, i);
    };
    ResolvedValues marked;
    marked.client_identifier = value_of(prepared.client_identifier);
    for (const auto& rdn : prepared.subject) {
        std::vector<std::pair<std::string, std::string>> values;
        for (const auto& [type, field] : rdn) values.emplace_back(type, value_of(field));
        marked.subject.push_back(std::move(values));
    }
    auto optional_value = [&](const std::optional<TemplateField>& f) -> std::optional<std::string> {
        if (!f) return std::nullopt;
        return value_of(*f);
    };
    marked.rfc822_name = optional_value(prepared.rfc822_name);
    marked.dns_name = optional_value(prepared.dns_name);
    marked.uniform_resource_identifier = optional_value(prepared.uniform_resource_identifier);
    marked.nt_principal_name = optional_value(prepared.nt_principal_name);
    return marked;
}

/// Printable ASCII other than '&', '<' and '>': text the XML writer copies as it is.
bool needs_no_escaping(const std::string& text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7E || c == '&' || c == '<' || c == '>') return false;
    return true;
}

void set_uuid(plist::Dict& payload, std::string uuid) {
    for (auto& [key, value] : payload)
        if (key == "PayloadUUID") value = plist::Value(std::move(uuid));
}

}  // namespace

std::unique_ptr<ProfileTemplate> ProfileTemplate::make(const PreparedPolicy& prepared) {
    if (!prepared.report.valid()) return nullptr;
    std::unique_ptr<ProfileTemplate> t(new ProfileTemplate);
    const std::size_t roots = prepared.ca_certificates.size();
    for_each_field(prepared, [&](const TemplateField&) { ++t->field_count_; });
    if (t->field_count_ >= kMaxHoles || roots + 2 >= kMaxHoles) return nullptr;

    std::vector<std::uint32_t> value_holes;
    const ResolvedValues marked = marked_values(prepared, value_holes);
    std::vector<std::pair<Hole::Kind, std::uint32_t>> expected_values, expected_inner_uuids;
    for (std::uint32_t i : value_holes) expected_values.emplace_back(Hole::Kind::value, i);
    for (std::uint32_t i = 0; i <= roots; ++i) expected_inner_uuids.emplace_back(Hole::Kind::uuid, i);

    // The ACME payload's canonical bytes, its own PayloadUUID left out (as build_profile hashes it).
    plist::Dict acme = acme_payload(prepared, marked);
    std::string canonical;
    append_canonical(canonical, acme, "PayloadUUID");
    if (!split(canonical, true, t->acme_canonical_) || !has_exactly(t->acme_canonical_, expected_values))
        return nullptr;

    // The top level's canonical bytes: PayloadContent holds the inner payloads' UUIDs while it is hashed.
    plist::Array inner_uuids;
    for (std::uint32_t i = 0; i <= roots; ++i) inner_uuids.emplace_back(marker(Hole::Kind::uuid, i));
    canonical.clear();
    append_canonical(canonical, top_payload(prepared, std::move(inner_uuids)), "PayloadUUID");
    if (!split(canonical, true, t->top_canonical_) || !has_exactly(t->top_canonical_, expected_inner_uuids))
        return nullptr;

    // The document itself.
    set_uuid(acme, marker(Hole::Kind::uuid, 0));
    plist::Array content;
    content.emplace_back(std::move(acme));
    for (std::size_t i = 0; i < roots; ++i) {
        plist::Dict root = root_payload(prepared, prepared.ca_certificates[i], i);
        set_uuid(root, marker(Hole::Kind::uuid, static_cast<std::uint32_t>(i + 1)));
        content.emplace_back(std::move(root));
    }
    plist::Dict top = top_payload(prepared, std::move(content));
    set_uuid(top, marker(Hole::Kind::uuid, static_cast<std::uint32_t>(roots + 1)));
    std::vector<std::pair<Hole::Kind, std::uint32_t>> expected_xml = expected_values;
    for (std::uint32_t i = 0; i <= roots + 1; ++i) expected_xml.emplace_back(Hole::Kind::uuid, i);
    if (!split(plist::write_xml(plist::Value(std::move(top))), false, t->xml_) || !has_exactly(t->xml_, expected_xml))
        return nullptr;

    t->uuid_prefix_ = detail::uuid_bytes(crypto::kAcmepolicyUuidNamespace);
    append_canonical_string(t->uuid_prefix_, "acmepolicy.render.v1");
    append_canonical_string(t->uuid_prefix_, prepared.uuid_policy_name);
    t->head_.update(t->uuid_prefix_);
    t->head_.update(std::string_view("s\0\0\0\0\0\0\0", 8));
    for (std::size_t i = 0; i < roots; ++i) {
        std::string suffix;
        append_canonical_string(suffix, "root." + std::to_string(i + 1));
        suffix += prepared.ca_certificates[i].canonical;
        t->root_suffixes_.push_back(std::move(suffix));
    }
    t->uuids_.resize(roots + 2);
    for (const std::string& piece : t->xml_.pieces) t->xml_size_ += piece.size();
    return t;
}

bool ProfileTemplate::render(const PreparedPolicy& prepared, const DeviceRecord* device, Report& report,
                             std::string* xml, ProfileIdentity& identity) {
    if (!fill_fields(prepared, device, report, values_)) return false;
    const std::string_view device_id = device ? std::string_view(device->id) : std::string_view();

    // PayloadUUIDs: the name is uuid_prefix_ S(device id) S(role) content, as payload_uuid() lays it out.
    // `base` has hashed the part up to the role; each name resumes from a copy of it.
    detail::Sha1Stream base = head_;
    if (device_id.size() < 256) {
        const char length = static_cast<char>(device_id.size());  // the last byte of S()'s 8-byte length
        base.update(std::string_view(&length, 1));
        base.update(device_id);
    } else {
        base = detail::Sha1Stream();
        name_ = uuid_prefix_;
        append_canonical_string(name_, device_id);
        base.update(name_);
    }
    const auto uuid_of = [&](std::size_t index, std::string_view name) {
        detail::Sha1Stream stream = base;
        stream.update(name);
        uuids_[index].clear();
        detail::append_uuid_v5(uuids_[index], stream.finish());
    };
    name_.clear();
    append_canonical_string(name_, "acme");
    append_filled(name_, acme_canonical_,
                  [&](std::string& out, const Hole& hole) { append_canonical_string(out, values_[hole.index]); });
    uuid_of(0, name_);
    for (std::size_t i = 0; i < root_suffixes_.size(); ++i) uuid_of(i + 1, root_suffixes_[i]);
    name_.clear();
    append_canonical_string(name_, "profile");
    append_filled(name_, top_canonical_,
                  [&](std::string& out, const Hole& hole) { append_canonical_string(out, uuids_[hole.index]); });
    uuid_of(uuids_.size() - 1, name_);

    identity.payload_uuid = uuids_.back();  // (payload_identifier is the renderer's, set by the caller)
    if (xml == nullptr) return true;
    xml->clear();
    xml->reserve(xml_size_ + 64 * xml_.holes.size());
    append_filled(*xml, xml_, [&](std::string& out, const Hole& hole) {
        if (hole.kind == Hole::Kind::uuid) {
            out += uuids_[hole.index];
            return;
        }
        const std::string& value = values_[hole.index];
        if (needs_no_escaping(value))
            out += value;  // what append_xml_escaped would write, without its per-character decoding
        else
            detail::append_xml_escaped(out, value);
    });
    return true;
}

}  // namespace acmepolicy::render_detail
