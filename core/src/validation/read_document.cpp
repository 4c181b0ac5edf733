// Reading a policy document's shape into the typed model: required keys, JSON types, unknown keys.
// Long because the document has many members: one short reader per member, in the document's order.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "acmepolicy/payload_keys.hpp"
#include "validation/codes.hpp"
#include "validation/draft.hpp"
#include "validation/rules.hpp"
#include "validation/scan.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

const std::vector<std::string> kTopKeys = {"schema_version", "id",      "name",            "notes",
                                           "server_profile", "delivery", "payload", "ca_certificates", "targets",
                                           "fallback",       "renewal"};
// The payload's keys and SubjectAltName's, from the one table of payload keys (payload_keys.hpp).
const std::vector<std::string> kPayloadKeys = [] {
    std::vector<std::string> names;
    for (const PayloadKeyInfo& key : payload_keys()) names.emplace_back(key.name);
    return names;
}();
const std::vector<std::string> kSubjectAltNameKeys = [] {
    std::vector<std::string> names;
    for (const PayloadKeyInfo& key : payload_keys())
        if (std::string(key.name) == "SubjectAltName")
            for (const char* const* sub = key.subkeys; sub < key.subkeys + 5 && *sub; ++sub) names.emplace_back(*sub);
    return names;
}();
const std::vector<std::string> kTargetKeys = {"device_groups", "devices"};

// Spellings seen in other MDM tools and older drafts of Apple's documentation.
constexpr Alias kPayloadAliases[] = {
    {"KeyUsage", "UsageFlags"},
    {"Usage", "UsageFlags"},
    {"EKU", "ExtendedKeyUsage"},
    {"ExtendedKeyUsages", "ExtendedKeyUsage"},
    {"SubjectAlternativeName", "SubjectAltName"},
    {"SAN", "SubjectAltName"},
    {"URL", "DirectoryURL"},
    {"ACMEDirectoryURL", "DirectoryURL"},
    {"ServerURL", "DirectoryURL"},
    {"Challenge", "ClientIdentifier"},
    {"Attestation", "Attest"},
    {"Extractable", "KeyIsExtractable"},
};
constexpr Alias kTopAliases[] = {
    {"schemaVersion", "schema_version"}, {"serverProfile", "server_profile"}, {"caCertificates", "ca_certificates"},
    {"PayloadContent", "payload"},       {"description", "notes"},            {"assignments", "targets"},
};
constexpr Alias kSubjectAltNameAliases[] = {
    {"email", "rfc822Name"},    {"rfc822", "rfc822Name"},        {"dns", "dNSName"},
    {"uri", "uniformResourceIdentifier"}, {"url", "uniformResourceIdentifier"}, {"upn", "ntPrincipalName"},
};
constexpr Alias kTargetAliases[] = {
    {"groups", "device_groups"}, {"deviceGroups", "device_groups"}, {"device_ids", "devices"},
};

// An object's known members by their position in its list of known keys, filled while looking for
// unknown keys, so that reading a member afterwards is an index rather than a search.
struct KnownMembers {
    std::array<JsonValue, 32> at{};
};

std::size_t position(const std::vector<std::string>& known, std::string_view key) {
    for (std::size_t i = 0; i < known.size(); ++i)
        if (known[i] == key) return i;
    return known.size();  // never: every key read below is in its list
}

// A list of known keys with, for each key length, the set of positions of that length: telling a key
// from the list costs a comparison with the one or two known keys of its length.
struct KnownKeys {
    explicit KnownKeys(const std::vector<std::string>& list) : names(list), count(list.size()) {
        for (std::size_t i = 0; i < count && i < 32; ++i) {
            starts[i] = names[i].data();
            if (names[i].size() < by_length.size()) by_length[names[i].size()] |= std::uint32_t{1} << i;
        }
    }
    // The position of `key` in the list, or count.
    std::size_t position_of(std::string_view key) const noexcept {
        if (count > 32 || key.size() >= by_length.size()) {
            for (std::size_t i = 0; i < count; ++i)
                if (names[i] == key) return i;
            return count;
        }
        for (std::uint32_t mask = by_length[key.size()]; mask != 0; mask &= mask - 1) {
            const auto i = static_cast<std::size_t>(__builtin_ctz(mask));
            if (scan::same_bytes(starts[i], key.data(), key.size())) return i;  // same length by the mask
        }
        return count;
    }

    const std::vector<std::string>& names;  // static lists: their characters never move
    std::size_t count;
    std::array<const char*, 32> starts{};
    std::array<std::uint32_t, 32> by_length{};
};
const KnownKeys kTopIndex(kTopKeys);
const KnownKeys kPayloadIndex(kPayloadKeys);
const KnownKeys kSubjectAltNameIndex(kSubjectAltNameKeys);
const KnownKeys kTargetIndex(kTargetKeys);

struct TopSlots {
    std::size_t schema_version, id, name, notes, server_profile, delivery, payload, ca_certificates, targets, fallback;
};
const TopSlots kTop = {position(kTopKeys, "schema_version"), position(kTopKeys, "id"),
                       position(kTopKeys, "name"), position(kTopKeys, "notes"),
                       position(kTopKeys, "server_profile"), position(kTopKeys, "delivery"),
                       position(kTopKeys, "payload"), position(kTopKeys, "ca_certificates"),
                       position(kTopKeys, "targets"), position(kTopKeys, "fallback")};
struct PayloadSlots {
    std::size_t directory_url, client_identifier, key_type, key_size, hardware_bound, attest, subject,
        subject_alt_name, usage_flags, extended_key_usage, key_is_extractable, allow_all_apps_access;
};
const PayloadSlots kPayload = {
    position(kPayloadKeys, "DirectoryURL"),     position(kPayloadKeys, "ClientIdentifier"),
    position(kPayloadKeys, "KeyType"),          position(kPayloadKeys, "KeySize"),
    position(kPayloadKeys, "HardwareBound"),    position(kPayloadKeys, "Attest"),
    position(kPayloadKeys, "Subject"),          position(kPayloadKeys, "SubjectAltName"),
    position(kPayloadKeys, "UsageFlags"),       position(kPayloadKeys, "ExtendedKeyUsage"),
    position(kPayloadKeys, "KeyIsExtractable"), position(kPayloadKeys, "AllowAllAppsAccess")};
const std::size_t kRfc822Name = position(kSubjectAltNameKeys, "rfc822Name");
const std::size_t kDnsName = position(kSubjectAltNameKeys, "dNSName");
const std::size_t kUri = position(kSubjectAltNameKeys, "uniformResourceIdentifier");
const std::size_t kPrincipalName = position(kSubjectAltNameKeys, "ntPrincipalName");
const std::size_t kDeviceGroups = position(kTargetKeys, "device_groups");
const std::size_t kDevices = position(kTargetKeys, "devices");

class Reader {
public:
    explicit Reader(Report& report) : report_(report) {}

    // Reports the keys of `object` that are not in `known`, and files the known ones in `members`.
    void unknown_keys(JsonValue object, std::string_view path, const KnownKeys& keys,
                      Aliases aliases, const char* where,
                      KnownMembers& members) {
        for (const auto& item : object.children()) {
            const std::string_view key = item.key();
            const std::size_t k = keys.position_of(key);
            if (k < keys.count) {
                if (k < members.at.size()) members.at[k] = item.value();
                continue;
            }
            auto suggestion = suggest(key, keys.names, aliases);
            std::string message = "Unknown key " + quote_text(key) + " in " + where + ".";
            message += suggestion ? did_you_mean(suggestion) + " Keys are case-sensitive and spelled exactly as documented."
                                  : " Remove it; see docs/diagnostics.md for the keys a policy may have.";
            emit(report_, Code::document_unknown_key, json_pointer_append(std::string(path), std::string(key)),
                 std::move(message));
        }
    }

    void missing(std::string_view path, std::string_view key, const char* what) {
        complete_ = false;
        emit(report_, Code::document_missing_key, json_pointer_append(std::string(path), std::string(key)),
             std::string(key) + " is required: add " + what + ".");
    }

    void wrong_type(std::string path, std::string_view key, JsonValue value, const char* expected) {
        complete_ = false;
        std::string message = std::string(key) + " must be " + expected + ", not " + json_type_words(value) + ".";
        if (value.is_string() && std::string(expected).find("boolean") != std::string::npos)
            message += " Write true or false without quotes.";
        else if (value.is_number() && std::string(expected).find("boolean") != std::string::npos)
            message += " Write true or false instead of a number.";
        emit(report_, Code::document_wrong_type, std::move(path), std::move(message));
    }

    // Reads an optional string member (`value`: absent when it is not there) as a view of the document's
    // text; false when absent or of the wrong type (reported).
    bool text_value(JsonValue value, std::string_view path, std::string_view key, std::string_view& out) {
        if (!value) return false;
        if (!value.is_string()) {
            wrong_type(json_pointer_append(std::string(path), std::string(key)), key, value, "a string");
            return false;
        }
        out = value.str();
        return true;
    }

    // The same into a string of the policy (built fresh and moved in: cheaper than assign(), which must
    // allow for aliasing and growth).
    bool string_value(JsonValue value, std::string_view path, std::string_view key, std::string& out) {
        std::string_view text;
        if (!text_value(value, path, key, text)) return false;
        out = std::string(text);
        return true;
    }

    // A required member (`value`, absent when it is not there): reported missing when absent.
    JsonValue required(JsonValue value, std::string_view path, std::string_view key, const char* what) {
        if (!value) missing(path, key, what);
        return value;
    }

    bool bool_value(JsonValue value, std::string_view path, std::string_view key, bool& out) {
        if (!value) return false;
        if (!value.is_boolean()) {
            wrong_type(json_pointer_append(std::string(path), std::string(key)), key, value,
                       "a boolean (true or false)");
            return false;
        }
        out = value.boolean();
        return true;
    }

    bool integer_value(JsonValue value, std::string_view path, std::string_view key, std::int64_t& out) {
        if (!value) return false;
        if (!read_integer(value, out)) {
            wrong_type(json_pointer_append(std::string(path), std::string(key)), key, value, "an integer");
            return false;
        }
        return true;
    }

    static bool read_integer(JsonValue value, std::int64_t& out) {
        if (value.is_number_unsigned()) {
            const auto u = value.unsigned_integer();
            out = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                      ? std::numeric_limits<std::int64_t>::max()
                      : static_cast<std::int64_t>(u);
            return true;
        }
        if (value.is_number_integer()) {
            out = value.integer();
            return true;
        }
        return false;
    }

    // An array of strings (EKU, ca_certificates, target ids); wrong entries are reported one by one.
    bool string_array(JsonValue value, std::string_view path, std::string_view key, std::vector<std::string>& out) {
        if (!value.is_array()) {
            wrong_type(std::string(path), key, value, "an array of strings");
            return false;
        }
        bool ok = true;
        out.reserve(out.size() + value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
            const JsonValue entry = value[i];
            if (!entry.is_string()) {
                wrong_type(json_pointer_append(std::string(path), i), std::string(key) + " entry", entry, "a string");
                ok = false;
                continue;
            }
            out.emplace_back(entry.str());
        }
        return ok;
    }

    void top(JsonValue document, PolicyDraft& draft) {
        Policy& policy = draft.policy;
        KnownMembers m;
        unknown_keys(document, "", kTopIndex, kTopAliases, "the policy document", m);
        if (const JsonValue version_value = m.at[kTop.schema_version]) {
            std::int64_t version = 0;
            if (!read_integer(version_value, version) || version != 1) {
                complete_ = false;
                emit(report_, Code::document_schema_version, "/schema_version",
                     (version_value.is_number()
                          ? "schema_version " + version_value.dump_number() + " is not supported"
                          : std::string("schema_version must be the integer 1, not ") + json_type_words(version_value)) +
                         ": this release reads schema_version 1 (write 1, or leave it out).");
            }
        }
        std::string id;
        draft.id_given = string_value(m.at[kTop.id], "", "id", id);
        const JsonValue name = m.at[kTop.name];
        draft.has_name = string_value(name, "", "name", policy.name);
        if (draft.has_name) {
            const std::string_view trimmed = trim(policy.name);
            if (trimmed.size() != policy.name.size()) policy.name = std::string(trimmed);
        } else if (!name) {
            missing("", "name", "a name of 1 to 128 characters, unique among your policies");
        }
        string_value(m.at[kTop.notes], "", "notes", policy.notes);
        policy.id = draft.id_given ? std::move(id) : derive_policy_id(policy.name);
        std::string_view profile;
        if (text_value(m.at[kTop.server_profile], "", "server_profile", profile)) {
            policy.server_profile = profile == "step-ca" ? ServerProfile::step_ca : ServerProfile::generic;
            if (profile != "step-ca" && profile != "generic") {
                complete_ = false;
                static constexpr Alias kProfileAliases[] = {{"stepca", "step-ca"}, {"step_ca", "step-ca"}, {"smallstep", "step-ca"}};
                static constexpr std::string_view kProfiles[] = {"generic", "step-ca"};
                auto suggestion = suggest(profile, kProfiles, kProfileAliases);
                emit(report_, Code::serverprofile_unknown, "/server_profile",
                     "server_profile " + quote_text(profile) + " is unknown: use \"generic\" (the default) or \"step-ca\"." +
                         did_you_mean(suggestion));
            }
        }
        std::string_view delivery;
        if (text_value(m.at[kTop.delivery], "", "delivery", delivery)) {
            if (delivery == "declarative") policy.delivery = Delivery::declarative;
            else if (delivery == "auto") policy.delivery = Delivery::automatic;
            else if (delivery != "profile") {
                complete_ = false;
                static constexpr Alias kDeliveryAliases[] = {
                    {"ddm", "declarative"}, {"mobileconfig", "profile"}, {"automatic", "auto"}};
                static constexpr std::string_view kDeliveries[] = {"profile", "declarative", "auto"};
                auto suggestion = suggest(delivery, kDeliveries, kDeliveryAliases);
                emit(report_, Code::delivery_unknown, "/delivery",
                     "delivery " + quote_text(delivery) +
                         " is unknown: use \"profile\" (the default), \"declarative\" or \"auto\"." +
                         did_you_mean(suggestion));
            }
        }
        if (const JsonValue payload_value = m.at[kTop.payload]; !payload_value) {
            missing("", "payload", "the com.apple.security.acme settings (DirectoryURL, ClientIdentifier, KeyType, ...)");
        } else if (!payload_value.is_object()) {
            wrong_type("/payload", "payload", payload_value, "an object");
        } else {
            draft.has_payload = true;
            payload(payload_value, draft);
        }
        if (const JsonValue certificates = m.at[kTop.ca_certificates])
            string_array(certificates, "/ca_certificates", "ca_certificates", policy.ca_certificates);
        if (const JsonValue targets = m.at[kTop.targets]) {
            if (!targets.is_object()) {
                wrong_type("/targets", "targets", targets, "an object with device_groups and devices");
            } else {
                draft.has_targets = true;
                KnownMembers t;
                unknown_keys(targets, "/targets", kTargetIndex, kTargetAliases, "targets", t);
                if (const JsonValue g = t.at[kDeviceGroups])
                    string_array(g, "/targets/device_groups", "device_groups", policy.targets.device_groups);
                if (const JsonValue d = t.at[kDevices])
                    string_array(d, "/targets/devices", "devices", policy.targets.devices);
            }
        }
        if (const JsonValue fallback = m.at[kTop.fallback]; fallback && !read_fallback(fallback, draft, report_))
            complete_ = false;  // rule 17 (check_fallback.cpp)
    }

    void payload(JsonValue object, PolicyDraft& draft) {
        AcmePayload& p = draft.policy.payload;
        const std::string_view path = "/payload";
        KnownMembers m;
        unknown_keys(object, path, kPayloadIndex, kPayloadAliases, "payload", m);

        // A missing required key is reported after a wrong type would have been: the two never meet.
        draft.has_directory_url =
            string_value(required(m.at[kPayload.directory_url], path, "DirectoryURL",
                                  "the https URL of the ACME server's directory"),
                         path, "DirectoryURL", p.directory_url);
        draft.has_client_identifier =
            string_value(required(m.at[kPayload.client_identifier], path, "ClientIdentifier",
                                  "a per-device identifier such as \"{{serial_number}}\""),
                         path, "ClientIdentifier", p.client_identifier);
        draft.has_key_type = string_value(
            required(m.at[kPayload.key_type], path, "KeyType", "\"ECSECPrimeRandom\" or \"RSA\""), path, "KeyType",
            p.key_type);
        key_size(m.at[kPayload.key_size], draft);
        draft.has_hardware_bound =
            bool_value(required(m.at[kPayload.hardware_bound], path, "HardwareBound",
                                "true (key made in the Secure Enclave) or false"),
                       path, "HardwareBound", p.hardware_bound);
        bool flag = false;
        if (bool_value(m.at[kPayload.attest], path, "Attest", flag)) p.attest = flag;
        subject(m.at[kPayload.subject], draft);
        subject_alt_name(m.at[kPayload.subject_alt_name], draft);
        std::int64_t flags = 0;
        if (integer_value(m.at[kPayload.usage_flags], path, "UsageFlags", flags)) p.usage_flags = flags;
        if (const JsonValue eku = m.at[kPayload.extended_key_usage]) {
            std::vector<std::string> ekus;
            if (string_array(eku, "/payload/ExtendedKeyUsage", "ExtendedKeyUsage", ekus)) p.extended_key_usage = std::move(ekus);
        }
        if (bool_value(m.at[kPayload.key_is_extractable], path, "KeyIsExtractable", flag)) p.key_is_extractable = flag;
        if (bool_value(m.at[kPayload.allow_all_apps_access], path, "AllowAllAppsAccess", flag))
            p.allow_all_apps_access = flag;
    }

    void key_size(JsonValue value, PolicyDraft& draft) {
        if (!value) {
            missing("/payload", "KeySize", "the key size in bits, such as 256");
            return;
        }
        std::int64_t size = 0;
        if (read_integer(value, size)) {
            draft.policy.payload.key_size = size;
            draft.has_key_size = true;
            return;
        }
        complete_ = false;
        std::string message = "KeySize must be a JSON integer, not " + std::string(json_type_words(value)) + ".";
        if (value.is_string()) message += " Write " + std::string(value.str()) + " without quotes.";
        else if (value.is_number_float()) message += " Write it without a decimal point (for example 256).";
        emit(report_, Code::keysize_not_integer, "/payload/KeySize", std::move(message));
    }

    void subject(JsonValue value, PolicyDraft& draft) {
        if (!value) {
            missing("/payload", "Subject", "the certificate subject, such as [[[\"CN\", \"{{serial_number}}\"]]]");
            return;
        }
        const std::string_view path = "/payload/Subject";
        if (!value.is_array()) {
            complete_ = false;
            emit(report_, Code::subject_shape, std::string(path),
                 "Subject must be an array of RDNs, such as [[[\"O\", \"Example Inc.\"]], [[\"CN\", \"{{serial_number}}\"]]], not " +
                     std::string(json_type_words(value)) + ".");
            return;
        }
        bool ok = true;
        std::vector<RelativeDistinguishedName> rdns;
        rdns.reserve(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
            const JsonValue rdn = value[i];
            const auto rdn_path = [&] { return json_pointer_append(std::string(path), i); };
            if (!rdn.is_array()) {
                ok = false;
                emit(report_, Code::subject_shape, rdn_path(),
                     "Each RDN of Subject must be an array of [type, value] pairs, such as [[\"CN\", \"name\"]], not " +
                         std::string(json_type_words(rdn)) + ".");
                continue;
            }
            if (rdn.empty()) {
                ok = false;
                emit(report_, Code::subject_empty_rdn, rdn_path(),
                     "This RDN is empty: give it at least one [type, value] pair, or remove it.");
                continue;
            }
            RelativeDistinguishedName attributes;
            attributes.reserve(rdn.size());
            for (std::size_t j = 0; j < rdn.size(); ++j) {
                const JsonValue pair = rdn[j];
                if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
                    ok = false;
                    emit(report_, Code::subject_shape, json_pointer_append(rdn_path(), j),
                         "Each attribute must be a pair of two strings [type, value], such as [\"CN\", \"name\"]; this is " +
                             (pair.is_array() ? "an array of " + std::to_string(pair.size()) + " items" + (pair.size() == 2 ? " that are not both strings" : "")
                                              : std::string(json_type_words(pair))) +
                             ".");
                    continue;
                }
                attributes.push_back({std::string(pair[0].str()), std::string(pair[1].str())});
            }
            rdns.push_back(std::move(attributes));
        }
        if (!ok) {
            complete_ = false;
            return;
        }
        draft.policy.payload.subject = std::move(rdns);
        draft.has_subject = true;
    }

    void subject_alt_name(JsonValue value, PolicyDraft& draft) {
        if (!value) return;
        const std::string_view path = "/payload/SubjectAltName";
        if (!value.is_object()) {
            wrong_type(std::string(path), "SubjectAltName", value, "an object with rfc822Name, dNSName, uniformResourceIdentifier or ntPrincipalName");
            return;
        }
        KnownMembers m;
        unknown_keys(value, path, kSubjectAltNameIndex, kSubjectAltNameAliases, "SubjectAltName", m);
        SubjectAltName san;
        const auto read = [&](std::size_t slot, std::string_view key, std::optional<std::string>& out) {
            std::string text;
            if (string_value(m.at[slot], path, key, text)) out = std::move(text);
        };
        read(kRfc822Name, "rfc822Name", san.rfc822_name);
        read(kDnsName, "dNSName", san.dns_name);
        read(kUri, "uniformResourceIdentifier", san.uniform_resource_identifier);
        read(kPrincipalName, "ntPrincipalName", san.nt_principal_name);
        draft.policy.payload.subject_alt_name = std::move(san);
    }

    bool complete() const { return complete_; }

private:
    Report& report_;
    bool complete_ = true;
};

}  // namespace

PolicyDraft read_policy_document(JsonValue document, Report& report) {
    PolicyDraft draft;
    if (!document.is_object()) {
        emit(report, Code::document_not_object, "",
             std::string("A policy document must be a JSON object ({\"name\": ..., \"payload\": {...}}), not ") +
                 json_type_words(document) + ".");
        return draft;
    }
    draft.is_object = true;
    Reader reader(report);
    reader.top(document, draft);
    draft.complete = reader.complete();
    return draft;
}

}  // namespace acmepolicy::validation
