// Reading a device's CertificateList answer (XML plist, or its JSON form) into DeviceCertificates.
// The answer is untrusted: a broken whole is an error, a broken entry is a warning and is skipped, so one
// odd certificate on a device never hides the others.
#include <nlohmann/json.hpp>

#include "acmepolicy/crypto.hpp"
#include "acmepolicy/lifecycle.hpp"
#include "acmepolicy/plist.hpp"

namespace acmepolicy {
namespace {

const char* const kNotDict = "certificate_list.not_dict";
const char* const kMissing = "certificate_list.missing";
const char* const kTooMany = "certificate_list.too_many";
const char* const kEntryInvalid = "certificate_list.entry_invalid";
const char* const kTooLarge = "certificate_list.too_large";
const char* const kUnparseable = "certificate_list.unparseable";

void too_many(std::size_t count, const std::string& path, const CertificateListLimits& limits, Report& report) {
    report.error(kTooMany, path,
                 "The answer lists " + std::to_string(count) + " certificates, more than the " +
                     std::to_string(limits.max_certificates) +
                     " read from one device; remove unused certificates from the device.");
}

// One entry whose fields have been taken out of the plist or JSON form.
void add_entry(std::string_view der, std::string common_name, bool is_identity, const std::string& path,
               const CertificateListLimits& limits, CertificateListRead& out) {
    const std::string data_path = json_pointer_append(path, "Data");
    if (der.size() > limits.max_certificate_bytes) {
        out.report.warning(kTooLarge, data_path,
                           "This certificate is " + std::to_string(der.size()) + " bytes, more than the " +
                               std::to_string(limits.max_certificate_bytes) + " read per certificate; it is skipped.");
        return;
    }
    std::string error;
    std::optional<DeviceCertificate> certificate = read_device_certificate(der, error);
    if (!certificate) {
        out.report.warning(kUnparseable, data_path, "This entry is skipped: " + error + ".");
        return;
    }
    certificate->common_name = std::move(common_name);
    certificate->is_identity = is_identity;
    out.certificates.push_back(std::move(*certificate));
}

void entry_invalid(const std::string& path, const std::string& what, Report& report) {
    report.warning(kEntryInvalid, path, "This entry is skipped: " + what + ".");
}

}  // namespace

CertificateListRead read_certificate_list(std::string_view plist_bytes, const CertificateListLimits& limits) {
    CertificateListRead out;
    plist::ReadLimits read_limits;
    read_limits.max_document_bytes = limits.max_document_bytes;
    read_limits.max_data_bytes = limits.max_certificate_bytes * 2;  // over-large entries are reported below
    plist::ReadResult read = plist::read_xml(plist_bytes, read_limits);
    if (!read.value || !read.report.valid()) {
        out.report = std::move(read.report);
        return out;
    }
    const plist::Dict* root = read.value->as_dict();
    if (root == nullptr) {
        out.report.error(kNotDict, "",
                         "A CertificateList answer is a dictionary with a CertificateList array; this plist's "
                         "top-level value is something else.");
        return out;
    }
    const plist::Value* list = read.value->find("CertificateList");
    const plist::Array* entries = list ? list->as_array() : nullptr;
    if (entries == nullptr) {
        out.report.error(kMissing, list ? "/CertificateList" : "",
                         list ? std::string("CertificateList must be an array of certificate dictionaries.")
                              : std::string("The answer has no CertificateList array; give the answer to a "
                                            "CertificateList command (its Status may be Error)."));
        return out;
    }
    if (entries->size() > limits.max_certificates) {
        too_many(entries->size(), "/CertificateList", limits, out.report);
        return out;
    }
    out.certificates.reserve(entries->size());
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const std::string path = json_pointer_append("/CertificateList", i);
        const plist::Value& entry = (*entries)[i];
        if (entry.as_dict() == nullptr) {
            entry_invalid(path, "it is not a dictionary", out.report);
            continue;
        }
        const plist::Value* data = entry.find("Data");
        const auto* bytes = data ? std::get_if<plist::Data>(&data->v) : nullptr;
        if (bytes == nullptr) {
            entry_invalid(json_pointer_append(path, "Data"),
                          data ? "Data is not <data>" : "it has no Data (the certificate's DER)", out.report);
            continue;
        }
        std::string common_name;
        if (const plist::Value* cn = entry.find("CommonName")) {
            if (!cn->as_string()) {
                entry_invalid(json_pointer_append(path, "CommonName"), "CommonName is not a <string>", out.report);
                continue;
            }
            common_name = *cn->as_string();
        }
        bool is_identity = false;
        if (const plist::Value* identity = entry.find("IsIdentity")) {
            const bool* flag = std::get_if<bool>(&identity->v);
            if (flag == nullptr) {
                entry_invalid(json_pointer_append(path, "IsIdentity"), "IsIdentity is not <true/> or <false/>",
                              out.report);
                continue;
            }
            is_identity = *flag;
        }
        add_entry(bytes->bytes, std::move(common_name), is_identity, path, limits, out);
    }
    return out;
}

CertificateListRead read_certificate_entries(const nlohmann::json& entries, const std::string& path,
                                             const CertificateListLimits& limits) {
    CertificateListRead out;
    if (!entries.is_array()) {
        out.report.error(kMissing, path,
                         "certificates must be an array of {\"CommonName\", \"Data\" (base64 DER), \"IsIdentity\"} "
                         "objects, as in a CertificateList answer.");
        return out;
    }
    if (entries.size() > limits.max_certificates) {
        too_many(entries.size(), path, limits, out.report);
        return out;
    }
    out.certificates.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string entry_path = json_pointer_append(path, i);
        const nlohmann::json& entry = entries[i];
        if (!entry.is_object()) {
            entry_invalid(entry_path, "it is not an object", out.report);
            continue;
        }
        auto data = entry.find("Data");
        if (data == entry.end() || !data->is_string()) {
            entry_invalid(json_pointer_append(entry_path, "Data"),
                          data == entry.end() ? "it has no Data (the certificate's DER in base64)"
                                              : "Data is not a base64 string",
                          out.report);
            continue;
        }
        const std::string& text = data->get_ref<const std::string&>();
        if (text.size() > limits.max_certificate_bytes * 2) {
            out.report.warning(kTooLarge, json_pointer_append(entry_path, "Data"),
                               "This certificate is larger than the " + std::to_string(limits.max_certificate_bytes) +
                                   " bytes read per certificate; it is skipped.");
            continue;
        }
        std::optional<std::string> der = crypto::base64_decode(text);
        if (!der) {
            entry_invalid(json_pointer_append(entry_path, "Data"), "Data is not valid base64", out.report);
            continue;
        }
        std::string common_name;
        if (auto cn = entry.find("CommonName"); cn != entry.end() && !cn->is_null()) {
            if (!cn->is_string()) {
                entry_invalid(json_pointer_append(entry_path, "CommonName"), "CommonName is not a string", out.report);
                continue;
            }
            common_name = cn->get<std::string>();
        }
        bool is_identity = false;
        if (auto identity = entry.find("IsIdentity"); identity != entry.end() && !identity->is_null()) {
            if (!identity->is_boolean()) {
                entry_invalid(json_pointer_append(entry_path, "IsIdentity"), "IsIdentity is not true or false",
                              out.report);
                continue;
            }
            is_identity = identity->get<bool>();
        }
        add_entry(*der, std::move(common_name), is_identity, entry_path, limits, out);
    }
    return out;
}

}  // namespace acmepolicy
