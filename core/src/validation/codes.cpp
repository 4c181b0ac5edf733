// The table of validation codes (see codes.hpp); docs/diagnostics.md mirrors it.
#include "validation/codes.hpp"

namespace acmepolicy::validation {
namespace {

constexpr Severity E = Severity::error;
constexpr Severity W = Severity::warning;
constexpr Severity I = Severity::info;

constexpr CodeInfo kTable[] = {
    {Code::json_syntax, "json.syntax", E, "The text is not JSON (or not UTF-8); the message gives the line and column."},
    {Code::json_too_large, "json.too_large", E, "The document is larger than 1 MiB."},
    {Code::json_too_deep, "json.too_deep", E, "Objects and arrays nest deeper than 32 levels."},
    {Code::json_string_too_long, "json.string_too_long", E, "A string or key is longer than 4 KiB."},
    {Code::json_duplicate_key, "json.duplicate_key", E, "An object has the same key twice; the first one is used."},
    {Code::document_not_object, "document.not_object", E, "The document is not a JSON object."},
    {Code::document_schema_version, "document.schema_version", E, "schema_version is not 1 (the only version this release reads)."},
    {Code::document_unknown_key, "document.unknown_key", E, "A key that the policy format does not define (often a misspelling; the message suggests the right key)."},
    {Code::document_missing_key, "document.missing_key", E, "A required key is absent (name, payload, DirectoryURL, ClientIdentifier, KeyType, KeySize, HardwareBound, Subject; policy and when in fallback)."},
    {Code::document_wrong_type, "document.wrong_type", E, "A value has the wrong JSON type (for example a number where a string is expected)."},
    {Code::text_invalid_utf8, "text.invalid_utf8", E, "A string is not valid UTF-8."},
    {Code::text_invalid_character, "text.invalid_character", E, "A string holds a character that an XML property list cannot carry (NUL and other control characters; only notes and PEM certificates may hold tabs and line breaks)."},
    {Code::id_invalid, "id.invalid", E, "id does not match [a-z0-9][a-z0-9._-]{0,63}."},
    {Code::name_empty, "name.empty", E, "name is empty or only white space."},
    {Code::name_too_long, "name.too_long", E, "name is longer than 128 characters."},
    {Code::notes_too_long, "notes.too_long", E, "notes is longer than 4,000 characters."},
    {Code::serverprofile_unknown, "serverprofile.unknown", E, "server_profile is neither \"generic\" nor \"step-ca\"."},
    {Code::directoryurl_invalid, "directoryurl.invalid", E, "DirectoryURL is not an absolute URL."},
    {Code::directoryurl_scheme, "directoryurl.scheme", E, "DirectoryURL does not use https (Apple requires the https scheme)."},
    {Code::directoryurl_host, "directoryurl.host", E, "DirectoryURL's host is not a valid DNS name or IP literal."},
    {Code::directoryurl_userinfo, "directoryurl.userinfo", E, "DirectoryURL carries a user name or password before the host."},
    {Code::directoryurl_fragment, "directoryurl.fragment", E, "DirectoryURL has a #fragment."},
    {Code::directoryurl_port, "directoryurl.port", E, "DirectoryURL's port is not a number from 1 to 65535."},
    {Code::directoryurl_too_long, "directoryurl.too_long", E, "DirectoryURL is longer than 2,048 bytes."},
    {Code::clientidentifier_empty, "clientidentifier.empty", E, "ClientIdentifier is empty."},
    {Code::clientidentifier_constant, "clientidentifier.constant", W, "ClientIdentifier has no per-device variable: every device presents the same value, which an ACME server may refuse as a replay."},
    {Code::keytype_invalid, "keytype.invalid", E, "KeyType is not exactly RSA or ECSECPrimeRandom."},
    {Code::keysize_not_integer, "keysize.not_integer", E, "KeySize is not a JSON integer (a string or a number with a fraction)."},
    {Code::keysize_rsa_range, "keysize.rsa_range", E, "An RSA KeySize outside 1024-4096 or not a multiple of 8."},
    {Code::keysize_rsa_weak, "keysize.rsa_weak", W, "An RSA KeySize below 2048 bits is weak."},
    {Code::keysize_ec_curve, "keysize.ec_curve", E, "An ECSECPrimeRandom KeySize that is not a curve size (192, 256, 384, 521)."},
    {Code::keysize_ec_weak, "keysize.ec_weak", W, "P-192 is weak and the declarative ACME credential does not accept it."},
    {Code::hardwarebound_key_type, "hardwarebound.key_type", E, "HardwareBound is true with an RSA key; the Secure Enclave makes only ECSECPrimeRandom keys."},
    {Code::hardwarebound_key_size, "hardwarebound.key_size", E, "HardwareBound is true with an EC KeySize other than 256 or 384."},
    {Code::attest_requires_hardware_bound, "attest.requires_hardware_bound", E, "Attest is true while HardwareBound is false."},
    {Code::subject_empty, "subject.empty", E, "Subject has no RDN."},
    {Code::subject_too_many_rdns, "subject.too_many_rdns", E, "Subject has more than 64 RDNs."},
    {Code::subject_shape, "subject.shape", E, "Subject is not an array of RDNs, each an array of [type, value] string pairs."},
    {Code::subject_empty_rdn, "subject.empty_rdn", E, "An RDN of Subject is an empty array."},
    {Code::subject_type_case, "subject.type_case", E, "An attribute type is a shortcut in the wrong case (cn instead of CN)."},
    {Code::subject_type_invalid, "subject.type_invalid", E, "An attribute type is neither C, L, ST, O, OU, CN nor a dotted OID."},
    {Code::subject_value_empty, "subject.value_empty", E, "An attribute value is empty."},
    {Code::subject_country, "subject.country", E, "A C (country) value is not two ASCII letters."},
    {Code::subject_cn_long, "subject.cn_long", W, "A CN is longer than 64 characters (RFC 5280's upper bound)."},
    {Code::subjectaltname_rfc822name, "subjectaltname.rfc822name", E, "rfc822Name is not an e-mail address (addr-spec)."},
    {Code::subjectaltname_dnsname, "subjectaltname.dnsname", E, "dNSName is not a DNS name (labels of at most 63, total at most 253 characters)."},
    {Code::subjectaltname_dnsname_wildcard, "subjectaltname.dnsname_wildcard", W, "dNSName starts with a wildcard label (*.) that few ACME servers issue for a device."},
    {Code::subjectaltname_uri, "subjectaltname.uri", E, "uniformResourceIdentifier is not an absolute URI."},
    {Code::subjectaltname_ntprincipalname, "subjectaltname.ntprincipalname", E, "ntPrincipalName is not of the form user@REALM."},
    {Code::usageflags_undefined_bits, "usageflags.undefined_bits", E, "UsageFlags sets bits other than 0x01 (digital signature) and 0x04 (key encipherment)."},
    {Code::usageflags_zero, "usageflags.zero", W, "UsageFlags is 0: the certificate requests no key usage."},
    {Code::extendedkeyusage_name, "extendedkeyusage.name", E, "An ExtendedKeyUsage entry is a name (clientAuth) instead of a dotted OID."},
    {Code::extendedkeyusage_invalid_oid, "extendedkeyusage.invalid_oid", E, "An ExtendedKeyUsage entry is not a valid dotted OID."},
    {Code::extendedkeyusage_duplicate, "extendedkeyusage.duplicate", W, "An ExtendedKeyUsage OID appears more than once."},
    {Code::extendedkeyusage_too_many, "extendedkeyusage.too_many", E, "ExtendedKeyUsage has more than 32 entries."},
    {Code::payload_macos_only, "payload.macos_only", W, "KeyIsExtractable or AllowAllAppsAccess: macOS-only keys, ignored by iOS/iPadOS and left out of the profile."},
    {Code::variable_unknown, "variable.unknown", E, "A {{variable}} that is not one of serial_number, udid, enrollment_id, device_id, device_name, user_email, client_token."},
    {Code::variable_unbalanced, "variable.unbalanced", E, "Unbalanced {{ }} braces, or {{}} with no name."},
    {Code::variable_not_allowed, "variable.not_allowed", E, "A {{variable}} outside ClientIdentifier, Subject values and SubjectAltName values."},
    {Code::stepca_client_identifier, "stepca.client_identifier", E, "step-ca: ClientIdentifier must be exactly {{serial_number}} or {{udid}} (an attested identifier)."},
    {Code::stepca_attest, "stepca.attest", E, "step-ca: device-attest-01 needs Attest true."},
    {Code::stepca_hardware_bound, "stepca.hardware_bound", E, "step-ca: device-attest-01 needs HardwareBound true."},
    {Code::stepca_common_name, "stepca.common_name", E, "step-ca: a CN must equal ClientIdentifier."},
    {Code::stepca_template_ignores, "stepca.template_ignores", I, "step-ca's default template ignores O/OU, SubjectAltName, UsageFlags and ExtendedKeyUsage."},
    {Code::cacertificates_too_many, "cacertificates.too_many", E, "ca_certificates has more than 10 certificates."},
    {Code::cacertificates_invalid, "cacertificates.invalid", E, "An entry is not exactly one PEM certificate that parses."},
    {Code::cacertificates_not_ca, "cacertificates.not_ca", E, "A certificate is not a CA (basicConstraints cA is not true)."},
    {Code::cacertificates_expired, "cacertificates.expired", E, "A certificate has expired at the validation time."},
    {Code::cacertificates_not_yet_valid, "cacertificates.not_yet_valid", E, "A certificate is not valid yet at the validation time."},
    {Code::cacertificates_expiring, "cacertificates.expiring", W, "A certificate expires within 30 days of the validation time."},
    {Code::targets_empty_id, "targets.empty_id", E, "A device group or device id is empty."},
    {Code::targets_duplicate, "targets.duplicate", W, "A device group or device id is listed twice."},
    {Code::targets_none, "targets.none", I, "The policy targets no device group and no device yet."},
    {Code::delivery_unknown, "delivery.unknown", E, "delivery is neither \"profile\", \"declarative\" nor \"auto\"."},
    {Code::delivery_ddm_ec192, "delivery.ddm_ec192", E, "Declarative delivery (declarative or auto) with a P-192 key, which the declarative ACME credential does not accept."},
    {Code::delivery_ddm_macos_only_key, "delivery.ddm_macos_only_key", W, "Declarative delivery leaves out the macOS-only KeyIsExtractable and AllowAllAppsAccess."},
    {Code::fallback_policy_id, "fallback.policy_id", E, "fallback.policy is not a policy id (1 to 64 characters of [a-z0-9._-], starting with a letter or digit)."},
    {Code::fallback_when_empty, "fallback.when_empty", E, "fallback.when lists no condition, so no device would ever fall back."},
    {Code::fallback_when_unknown, "fallback.when_unknown", E, "A fallback.when entry is not attestation_unsupported, user_enrollment, variable_unavailable, os_too_old or server_profile_incompatible (the message says why a reason such as policy_invalid cannot be one)."},
    {Code::fallback_when_duplicate, "fallback.when_duplicate", W, "A condition is listed twice in fallback.when."},
    {Code::fallback_when_no_effect, "fallback.when_no_effect", I, "A listed condition can never hold for this policy (attestation_unsupported without Attest, os_too_old always: every ACME policy needs 16.0), so it hands no device to the fallback."},
    {Code::fallback_policy_unknown, "fallback.policy_unknown", E, "Across a set: no policy of the set has the fallback's id."},
    {Code::fallback_cycle, "fallback.cycle", E, "The policy is its own fallback, or (across a set) following fallbacks comes back to it."},
    {Code::fallback_stricter, "fallback.stricter", E, "Across a set: the fallback is not less strict on the axis of a listed condition (it still sets Attest for attestation_unsupported, is step-ca or uses serial_number/udid for user_enrollment, needs other or the same variables for variable_unavailable)."},
    {Code::fallback_target_invalid, "fallback.target_invalid", E, "Across a set: the fallback policy is itself invalid (its own errors, or its own fallback is invalid)."},
    {Code::renewal_before_days, "renewal.before_days", E, "renewal.before_days is not a whole number of days from 1 to 365."},
    {Code::renewal_fraction, "renewal.fraction", E, "renewal.fraction is not a number greater than 0 and less than 1."},
    {Code::renewal_empty, "renewal.empty", W, "renewal gives neither before_days nor fraction: the default rule applies."},
    {Code::set_duplicate_name, "set.duplicate_name", E, "Two policies of a set have the same name, ignoring case (names must be unique)."},
    {Code::set_duplicate_id, "set.duplicate_id", E, "Two policies of a set have the same id."},
    {Code::internal_exception, "internal.exception", E, "Validation itself failed (out of memory, or a defect); the message says why. Please report it."},
};

static_assert(sizeof(kTable) / sizeof(kTable[0]) == code_count(), "every Code needs exactly one table row");

}  // namespace

const CodeInfo* code_table() noexcept { return kTable; }

const CodeInfo& code_info(Code code) noexcept { return kTable[static_cast<std::size_t>(code)]; }

void emit(Report& report, Code code, std::string path, std::string message) {
    const CodeInfo& info = code_info(code);
    report.add(info.severity, info.name, std::move(path), std::move(message));
}

}  // namespace acmepolicy::validation
