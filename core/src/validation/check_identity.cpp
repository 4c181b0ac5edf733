// Rules 2-3: the policy's id, name and notes, and the count limits of its lists.
#include <string>

#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::size_t kMaxNameCharacters = 128;
constexpr std::size_t kMaxNotesCharacters = 4000;
constexpr std::size_t kMaxSubjectRdns = 64;
constexpr std::size_t kMaxExtendedKeyUsages = 32;
constexpr std::size_t kMaxCaCertificates = 10;

}  // namespace

bool is_valid_policy_id(const std::string& id) noexcept {
    if (id.empty() || id.size() > 64) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
    }
    return true;
}

void check_identity(const PolicyDraft& draft, Report& report) {
    const Policy& policy = draft.policy;
    if (draft.id_given && !is_valid_policy_id(policy.id)) {
        emit(report, Code::id_invalid, "/id",
             "id " + quote_text(policy.id) +
                 " is not valid: use 1 to 64 characters of lower-case letters, digits, '.', '_' and '-', starting "
                 "with a letter or digit (for example \"" + derive_policy_id(policy.id) + "\"), or leave it out to "
                 "derive it from the name.");
    }
    if (draft.has_name) {
        const std::size_t length = count_characters(policy.name);
        if (length == 0)
            emit(report, Code::name_empty, "/name", "name is empty: give the policy a name of 1 to 128 characters.");
        else if (length > kMaxNameCharacters)
            emit(report, Code::name_too_long, "/name",
                 "name has " + std::to_string(length) + " characters; shorten it to at most 128.");
    }
    const std::size_t notes_length = count_characters(policy.notes);
    if (notes_length > kMaxNotesCharacters)
        emit(report, Code::notes_too_long, "/notes",
             "notes has " + std::to_string(notes_length) + " characters; shorten it to at most 4,000.");
    if (policy.payload.subject.size() > kMaxSubjectRdns)
        emit(report, Code::subject_too_many_rdns, "/payload/Subject",
             "Subject has " + std::to_string(policy.payload.subject.size()) +
                 " RDNs; a subject may have at most 64. Remove the ones the ACME server does not need.");
    if (policy.payload.extended_key_usage && policy.payload.extended_key_usage->size() > kMaxExtendedKeyUsages)
        emit(report, Code::extendedkeyusage_too_many, "/payload/ExtendedKeyUsage",
             "ExtendedKeyUsage has " + std::to_string(policy.payload.extended_key_usage->size()) +
                 " entries; keep at most 32.");
    if (policy.ca_certificates.size() > kMaxCaCertificates)
        emit(report, Code::cacertificates_too_many, "/ca_certificates",
             "ca_certificates has " + std::to_string(policy.ca_certificates.size()) +
                 " certificates; bundle at most 10 (the ACME server's root and intermediates).");
}

}  // namespace acmepolicy::validation
