// Reading a policy document's shape into the typed model: required keys, JSON types, unknown keys.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "acmepolicy/payload_keys.hpp"
#include "validation/codes.hpp"
#include "validation/draft.hpp"
#include "validation/rules.hpp"
#include "validation/suggest.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

using nlohmann::json;

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
const std::vector<std::pair<std::string, std::string>> kPayloadAliases = {
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
const std::vector<std::pair<std::string, std::string>> kTopAliases = {
    {"schemaVersion", "schema_version"}, {"serverProfile", "server_profile"}, {"caCertificates", "ca_certificates"},
    {"PayloadContent", "payload"},       {"description", "notes"},            {"assignments", "targets"},
};
const std::vector<std::pair<std::string, std::string>> kSubjectAltNameAliases = {
    {"email", "rfc822Name"},    {"rfc822", "rfc822Name"},        {"dns", "dNSName"},
    {"uri", "uniformResourceIdentifier"}, {"url", "uniformResourceIdentifier"}, {"upn", "ntPrincipalName"},
};
const std::vector<std::pair<std::string, std::string>> kTargetAliases = {
    {"groups", "device_groups"}, {"deviceGroups", "device_groups"}, {"device_ids", "devices"},
};

class Reader {
public:
    explicit Reader(Report& report) : report_(report) {}

    void unknown_keys(const json& object, const std::string& path, const std::vector<std::string>& known,
                      const std::vector<std::pair<std::string, std::string>>& aliases, const char* where) {
        for (const auto& item : object.items()) {
            const std::string& key = item.key();
            bool is_known = false;
            for (const auto& k : known) is_known = is_known || k == key;
            if (is_known) continue;
            auto suggestion = suggest(key, known, aliases);
            std::string message = "Unknown key " + quote_text(key) + " in " + where + ".";
            message += suggestion ? did_you_mean(suggestion) + " Keys are case-sensitive and spelled exactly as documented."
                                  : " Remove it; see docs/diagnostics.md for the keys a policy may have.";
            emit(report_, Code::document_unknown_key, json_pointer_append(path, key), std::move(message));
        }
    }

    void missing(const std::string& path, const std::string& key, const char* what) {
        complete_ = false;
        emit(report_, Code::document_missing_key, json_pointer_append(path, key),
             key + " is required: add " + what + ".");
    }

    void wrong_type(const std::string& path, const std::string& key, const json& value, const char* expected) {
        complete_ = false;
        std::string message = key + " must be " + expected + ", not " + json_type_words(value) + ".";
        if (value.is_string() && std::string(expected).find("boolean") != std::string::npos)
            message += " Write true or false without quotes.";
        else if (value.is_number() && std::string(expected).find("boolean") != std::string::npos)
            message += " Write true or false instead of a number.";
        emit(report_, Code::document_wrong_type, path, std::move(message));
    }

    // Reads an optional string member; returns false when absent or of the wrong type.
    bool string_member(const json& object, const std::string& path, const std::string& key, std::string& out) {
        auto it = object.find(key);
        if (it == object.end()) return false;
        if (!it->is_string()) {
            wrong_type(json_pointer_append(path, key), key, *it, "a string");
            return false;
        }
        out = it->get<std::string>();
        return true;
    }

    bool bool_member(const json& object, const std::string& path, const std::string& key, bool& out) {
        auto it = object.find(key);
        if (it == object.end()) return false;
        if (!it->is_boolean()) {
            wrong_type(json_pointer_append(path, key), key, *it, "a boolean (true or false)");
            return false;
        }
        out = it->get<bool>();
        return true;
    }

    bool integer_member(const json& object, const std::string& path, const std::string& key, std::int64_t& out) {
        auto it = object.find(key);
        if (it == object.end()) return false;
        if (!read_integer(*it, out)) {
            wrong_type(json_pointer_append(path, key), key, *it, "an integer");
            return false;
        }
        return true;
    }

    static bool read_integer(const json& value, std::int64_t& out) {
        if (value.is_number_unsigned()) {
            const auto u = value.get<std::uint64_t>();
            out = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                      ? std::numeric_limits<std::int64_t>::max()
                      : static_cast<std::int64_t>(u);
            return true;
        }
        if (value.is_number_integer()) {
            out = value.get<std::int64_t>();
            return true;
        }
        return false;
    }

    // An array of strings (EKU, ca_certificates, target ids); wrong entries are reported one by one.
    bool string_array(const json& value, const std::string& path, const std::string& key,
                      std::vector<std::string>& out) {
        if (!value.is_array()) {
            wrong_type(path, key, value, "an array of strings");
            return false;
        }
        bool ok = true;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_string()) {
                wrong_type(json_pointer_append(path, i), key + " entry", value[i], "a string");
                ok = false;
                continue;
            }
            out.push_back(value[i].get<std::string>());
        }
        return ok;
    }

    void top(const json& document, PolicyDraft& draft) {
        Policy& policy = draft.policy;
        unknown_keys(document, "", kTopKeys, kTopAliases, "the policy document");
        if (auto it = document.find("schema_version"); it != document.end()) {
            std::int64_t version = 0;
            if (!read_integer(*it, version) || version != 1) {
                complete_ = false;
                emit(report_, Code::document_schema_version, "/schema_version",
                     (it->is_number() ? "schema_version " + it->dump() + " is not supported"
                                      : std::string("schema_version must be the integer 1, not ") + json_type_words(*it)) +
                         ": this release reads schema_version 1 (write 1, or leave it out).");
            }
        }
        std::string id;
        draft.id_given = string_member(document, "", "id", id);
        draft.has_name = string_member(document, "", "name", policy.name);
        if (draft.has_name) policy.name = std::string(trim(policy.name));
        else if (document.find("name") == document.end()) missing("", "name", "a name of 1 to 128 characters, unique among your policies");
        string_member(document, "", "notes", policy.notes);
        policy.id = draft.id_given ? id : derive_policy_id(policy.name);
        std::string profile;
        if (string_member(document, "", "server_profile", profile)) {
            policy.server_profile = profile == "step-ca" ? ServerProfile::step_ca : ServerProfile::generic;
            if (profile != "step-ca" && profile != "generic") {
                complete_ = false;
                auto suggestion = suggest(profile, {"generic", "step-ca"}, {{"stepca", "step-ca"}, {"step_ca", "step-ca"}, {"smallstep", "step-ca"}});
                emit(report_, Code::serverprofile_unknown, "/server_profile",
                     "server_profile " + quote_text(profile) + " is unknown: use \"generic\" (the default) or \"step-ca\"." +
                         did_you_mean(suggestion));
            }
        }
        std::string delivery;
        if (string_member(document, "", "delivery", delivery)) {
            if (delivery == "declarative") policy.delivery = Delivery::declarative;
            else if (delivery == "auto") policy.delivery = Delivery::automatic;
            else if (delivery != "profile") {
                complete_ = false;
                auto suggestion = suggest(delivery, {"profile", "declarative", "auto"},
                                          {{"ddm", "declarative"}, {"mobileconfig", "profile"}, {"automatic", "auto"}});
                emit(report_, Code::delivery_unknown, "/delivery",
                     "delivery " + quote_text(delivery) +
                         " is unknown: use \"profile\" (the default), \"declarative\" or \"auto\"." +
                         did_you_mean(suggestion));
            }
        }
        if (auto it = document.find("payload"); it == document.end()) {
            missing("", "payload", "the com.apple.security.acme settings (DirectoryURL, ClientIdentifier, KeyType, ...)");
        } else if (!it->is_object()) {
            wrong_type("/payload", "payload", *it, "an object");
        } else {
            draft.has_payload = true;
            payload(*it, draft);
        }
        if (auto it = document.find("ca_certificates"); it != document.end())
            string_array(*it, "/ca_certificates", "ca_certificates", policy.ca_certificates);
        if (auto it = document.find("targets"); it != document.end()) {
            if (!it->is_object()) {
                wrong_type("/targets", "targets", *it, "an object with device_groups and devices");
            } else {
                draft.has_targets = true;
                unknown_keys(*it, "/targets", kTargetKeys, kTargetAliases, "targets");
                if (auto g = it->find("device_groups"); g != it->end())
                    string_array(*g, "/targets/device_groups", "device_groups", policy.targets.device_groups);
                if (auto d = it->find("devices"); d != it->end())
                    string_array(*d, "/targets/devices", "devices", policy.targets.devices);
            }
        }
        if (auto it = document.find("fallback"); it != document.end() && !read_fallback(*it, draft, report_))
            complete_ = false;  // rule 17 (check_fallback.cpp)
    }

    void payload(const json& object, PolicyDraft& draft) {
        AcmePayload& p = draft.policy.payload;
        const std::string path = "/payload";
        unknown_keys(object, path, kPayloadKeys, kPayloadAliases, "payload");

        draft.has_directory_url = string_member(object, path, "DirectoryURL", p.directory_url);
        if (!object.contains("DirectoryURL")) missing(path, "DirectoryURL", "the https URL of the ACME server's directory");
        draft.has_client_identifier = string_member(object, path, "ClientIdentifier", p.client_identifier);
        if (!object.contains("ClientIdentifier")) missing(path, "ClientIdentifier", "a per-device identifier such as \"{{serial_number}}\"");
        draft.has_key_type = string_member(object, path, "KeyType", p.key_type);
        if (!object.contains("KeyType")) missing(path, "KeyType", "\"ECSECPrimeRandom\" or \"RSA\"");
        key_size(object, draft);
        draft.has_hardware_bound = bool_member(object, path, "HardwareBound", p.hardware_bound);
        if (!object.contains("HardwareBound")) missing(path, "HardwareBound", "true (key made in the Secure Enclave) or false");
        bool flag = false;
        if (bool_member(object, path, "Attest", flag)) p.attest = flag;
        subject(object, draft);
        subject_alt_name(object, draft);
        std::int64_t flags = 0;
        if (integer_member(object, path, "UsageFlags", flags)) p.usage_flags = flags;
        if (auto it = object.find("ExtendedKeyUsage"); it != object.end()) {
            std::vector<std::string> ekus;
            if (string_array(*it, "/payload/ExtendedKeyUsage", "ExtendedKeyUsage", ekus)) p.extended_key_usage = std::move(ekus);
        }
        if (bool_member(object, path, "KeyIsExtractable", flag)) p.key_is_extractable = flag;
        if (bool_member(object, path, "AllowAllAppsAccess", flag)) p.allow_all_apps_access = flag;
    }

    void key_size(const json& object, PolicyDraft& draft) {
        auto it = object.find("KeySize");
        if (it == object.end()) {
            missing("/payload", "KeySize", "the key size in bits, such as 256");
            return;
        }
        std::int64_t size = 0;
        if (read_integer(*it, size)) {
            draft.policy.payload.key_size = size;
            draft.has_key_size = true;
            return;
        }
        complete_ = false;
        std::string message = "KeySize must be a JSON integer, not " + std::string(json_type_words(*it)) + ".";
        if (it->is_string()) message += " Write " + it->get<std::string>() + " without quotes.";
        else if (it->is_number_float()) message += " Write it without a decimal point (for example 256).";
        emit(report_, Code::keysize_not_integer, "/payload/KeySize", std::move(message));
    }

    void subject(const json& object, PolicyDraft& draft) {
        auto it = object.find("Subject");
        if (it == object.end()) {
            missing("/payload", "Subject", "the certificate subject, such as [[[\"CN\", \"{{serial_number}}\"]]]");
            return;
        }
        const std::string path = "/payload/Subject";
        if (!it->is_array()) {
            complete_ = false;
            emit(report_, Code::subject_shape, path,
                 "Subject must be an array of RDNs, such as [[[\"O\", \"Example Inc.\"]], [[\"CN\", \"{{serial_number}}\"]]], not " +
                     std::string(json_type_words(*it)) + ".");
            return;
        }
        bool ok = true;
        std::vector<RelativeDistinguishedName> rdns;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& rdn = (*it)[i];
            const std::string rdn_path = json_pointer_append(path, i);
            if (!rdn.is_array()) {
                ok = false;
                emit(report_, Code::subject_shape, rdn_path,
                     "Each RDN of Subject must be an array of [type, value] pairs, such as [[\"CN\", \"name\"]], not " +
                         std::string(json_type_words(rdn)) + ".");
                continue;
            }
            if (rdn.empty()) {
                ok = false;
                emit(report_, Code::subject_empty_rdn, rdn_path,
                     "This RDN is empty: give it at least one [type, value] pair, or remove it.");
                continue;
            }
            RelativeDistinguishedName attributes;
            for (std::size_t j = 0; j < rdn.size(); ++j) {
                const json& pair = rdn[j];
                if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
                    ok = false;
                    emit(report_, Code::subject_shape, json_pointer_append(rdn_path, j),
                         "Each attribute must be a pair of two strings [type, value], such as [\"CN\", \"name\"]; this is " +
                             (pair.is_array() ? "an array of " + std::to_string(pair.size()) + " items" + (pair.size() == 2 ? " that are not both strings" : "")
                                              : std::string(json_type_words(pair))) +
                             ".");
                    continue;
                }
                attributes.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
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

    void subject_alt_name(const json& object, PolicyDraft& draft) {
        auto it = object.find("SubjectAltName");
        if (it == object.end()) return;
        const std::string path = "/payload/SubjectAltName";
        if (!it->is_object()) {
            wrong_type(path, "SubjectAltName", *it, "an object with rfc822Name, dNSName, uniformResourceIdentifier or ntPrincipalName");
            return;
        }
        unknown_keys(*it, path, kSubjectAltNameKeys, kSubjectAltNameAliases, "SubjectAltName");
        SubjectAltName san;
        std::string value;
        if (string_member(*it, path, "rfc822Name", value)) san.rfc822_name = value;
        if (string_member(*it, path, "dNSName", value)) san.dns_name = value;
        if (string_member(*it, path, "uniformResourceIdentifier", value)) san.uniform_resource_identifier = value;
        if (string_member(*it, path, "ntPrincipalName", value)) san.nt_principal_name = value;
        draft.policy.payload.subject_alt_name = std::move(san);
    }

    bool complete() const { return complete_; }

private:
    Report& report_;
    bool complete_ = true;
};

}  // namespace

const char* json_type_words(const nlohmann::json& value) noexcept {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number with a fraction";
        default: return "an unsupported value";
    }
}

PolicyDraft read_policy_document(const nlohmann::json& document, Report& report) {
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
