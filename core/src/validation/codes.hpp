// The one table of diagnostic codes that policy validation can emit: code, severity and meaning.
// docs/diagnostics.md lists exactly these codes (a test keeps the two in sync), so a new rule starts here.
#pragma once

#include <cstddef>
#include <string>

#include "acmepolicy/diagnostics.hpp"

namespace acmepolicy::validation {

/// Every finding of validation; the order follows the rules of the policy format.
enum class Code : std::size_t {
    // JSON reading (emitted by read_json, listed here so the reference covers everything a user can see)
    json_syntax,
    json_too_large,
    json_too_deep,
    json_string_too_long,
    json_duplicate_key,
    // Rule 1: document shape
    document_not_object,
    document_schema_version,
    document_unknown_key,
    document_missing_key,
    document_wrong_type,
    // Rule 2: text that an XML property list can carry
    text_invalid_utf8,
    text_invalid_character,
    // Rule 3: identity
    id_invalid,
    name_empty,
    name_too_long,
    notes_too_long,
    serverprofile_unknown,
    // Rule 4
    directoryurl_invalid,
    directoryurl_scheme,
    directoryurl_host,
    directoryurl_userinfo,
    directoryurl_fragment,
    directoryurl_port,
    directoryurl_too_long,
    // Rule 5
    clientidentifier_empty,
    clientidentifier_constant,
    // Rule 6
    keytype_invalid,
    keysize_not_integer,
    keysize_rsa_range,
    keysize_rsa_weak,
    keysize_ec_curve,
    keysize_ec_weak,
    // Rule 7
    hardwarebound_key_type,
    hardwarebound_key_size,
    attest_requires_hardware_bound,
    // Rule 8
    subject_empty,
    subject_too_many_rdns,
    subject_shape,
    subject_empty_rdn,
    subject_type_case,
    subject_type_invalid,
    subject_value_empty,
    subject_country,
    subject_cn_long,
    // Rule 9
    subjectaltname_rfc822name,
    subjectaltname_dnsname,
    subjectaltname_dnsname_wildcard,
    subjectaltname_uri,
    subjectaltname_ntprincipalname,
    // Rule 10
    usageflags_undefined_bits,
    usageflags_zero,
    // Rule 11
    extendedkeyusage_name,
    extendedkeyusage_invalid_oid,
    extendedkeyusage_duplicate,
    extendedkeyusage_too_many,
    // Rule 12
    payload_macos_only,
    // Rule 13
    variable_unknown,
    variable_unbalanced,
    variable_not_allowed,
    // Rule 14
    stepca_client_identifier,
    stepca_attest,
    stepca_hardware_bound,
    stepca_common_name,
    stepca_template_ignores,
    // Rule 15
    cacertificates_too_many,
    cacertificates_invalid,
    cacertificates_not_ca,
    cacertificates_expired,
    cacertificates_not_yet_valid,
    cacertificates_expiring,
    // Rule 16
    targets_empty_id,
    targets_duplicate,
    targets_none,
    // Delivery: the declarative form's own limits
    delivery_unknown,
    delivery_ddm_ec192,
    delivery_ddm_macos_only_key,
    // Rule 17: fallback (one document, then across the set)
    fallback_policy_id,
    fallback_when_empty,
    fallback_when_unknown,
    fallback_when_duplicate,
    fallback_when_no_effect,
    fallback_policy_unknown,
    fallback_cycle,
    fallback_stricter,
    fallback_target_invalid,
    // Rule 18
    renewal_before_days,
    renewal_fraction,
    renewal_empty,
    // Rule 3, across a set of policies
    set_duplicate_name,
    set_duplicate_id,
    // Not about the document: validation itself failed
    internal_exception,
    count_  // not a code: the number of codes
};

struct CodeInfo {
    Code code;
    const char* name;  // the public, stable spelling: "keysize.rsa_range"
    Severity severity;
    const char* meaning;  // one sentence for the reference document
};

/// The table, indexed by Code (code_table()[i].code == Code(i)); code_count() entries.
const CodeInfo* code_table() noexcept;
constexpr std::size_t code_count() noexcept { return static_cast<std::size_t>(Code::count_); }
const CodeInfo& code_info(Code code) noexcept;

/// Adds a diagnostic with the code's public name and severity.
void emit(Report& report, Code code, std::string path, std::string message);

}  // namespace acmepolicy::validation
