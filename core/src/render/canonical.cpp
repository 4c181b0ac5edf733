// Canonical encoding of plist values: the input of every deterministic PayloadUUID.
#include "render/canonical.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "acmepolicy/crypto.hpp"

namespace acmepolicy::render_detail {
namespace {

void append_u64(std::string& out, std::uint64_t n) {
    char bytes[8];
    for (int i = 7; i >= 0; --i) {
        bytes[i] = static_cast<char>(n & 0xFFu);
        n >>= 8;
    }
    out.append(bytes, 8);
}

void append_tagged(std::string& out, char tag, std::string_view bytes) {
    out.push_back(tag);
    append_u64(out, bytes.size());
    out.append(bytes.data(), bytes.size());
}

}  // namespace

void append_canonical_string(std::string& out, std::string_view text) { append_tagged(out, 's', text); }

void append_canonical(std::string& out, const plist::Dict& dict, std::string_view skip_key) {
    std::uint64_t count = 0;
    for (const auto& member : dict) count += (skip_key.empty() || member.first != skip_key) ? 1 : 0;
    out.push_back('D');
    append_u64(out, count);
    for (const auto& [key, item] : dict) {
        if (!skip_key.empty() && key == skip_key) continue;
        append_tagged(out, 's', key);
        append_canonical(out, item, skip_key);
    }
}

void append_canonical(std::string& out, const plist::Value& value, std::string_view skip_key) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                append_tagged(out, 's', v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                out.push_back('i');
                append_u64(out, static_cast<std::uint64_t>(v));
            } else if constexpr (std::is_same_v<T, double>) {
                std::uint64_t bits = 0;
                std::memcpy(&bits, &v, sizeof bits);
                out.push_back('r');
                append_u64(out, bits);
            } else if constexpr (std::is_same_v<T, bool>) {
                out.push_back(v ? 't' : 'f');
            } else if constexpr (std::is_same_v<T, plist::Date>) {
                out.push_back('d');
                append_u64(out, static_cast<std::uint64_t>(v.seconds));
            } else if constexpr (std::is_same_v<T, plist::Data>) {
                // Data commits through its SHA-256: certificates are hashed once per policy, not per device.
                const crypto::Sha256Digest digest = crypto::sha256(v.bytes);
                out.push_back('b');
                append_u64(out, v.bytes.size());
                out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
            } else if constexpr (std::is_same_v<T, plist::Array>) {
                out.push_back('a');
                append_u64(out, v.size());
                for (const auto& item : v) append_canonical(out, item, skip_key);
            } else {
                static_assert(std::is_same_v<T, plist::Dict>);
                append_canonical(out, v, skip_key);
            }
        },
        value.v);
}

std::string payload_uuid(std::string_view policy_id, std::string_view device_id, std::string_view role,
                         std::string_view canonical_content) {
    std::string name;
    name.reserve(64 + policy_id.size() + device_id.size() + role.size() + canonical_content.size());
    append_canonical_string(name, "acmepolicy.render.v1");
    append_canonical_string(name, policy_id);
    append_canonical_string(name, device_id);
    append_canonical_string(name, role);
    name.append(canonical_content.data(), canonical_content.size());
    return crypto::uuid_v5(crypto::kAcmepolicyUuidNamespace, name);
}

}  // namespace acmepolicy::render_detail
