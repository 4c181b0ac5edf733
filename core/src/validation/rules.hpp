// The rules of policy validation, one function per topic; each adds its findings to a Report.
// They look only at what the draft says was read with the right type (see draft.hpp).
#pragma once

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/validate.hpp"
#include "validation/draft.hpp"

namespace acmepolicy::validation {

/// Rule 2 over every string of the raw document: UTF-8, characters XML cannot carry; and, when the
/// document did not come through read_json (`check_json_limits`), nesting depth and string length.
void check_text(JsonValue document, bool check_json_limits, Report& report);

/// Rules 2-3: id, name, notes; the count limits of Subject, ExtendedKeyUsage and ca_certificates.
void check_identity(const PolicyDraft& draft, Report& report);

/// Rule 4: DirectoryURL.
void check_directory_url(const PolicyDraft& draft, Report& report);

/// Rule 5: ClientIdentifier.
void check_client_identifier(const PolicyDraft& draft, Report& report);

/// Rules 6-7: KeyType, KeySize, HardwareBound, Attest.
void check_keys(const PolicyDraft& draft, Report& report);

/// Rule 8: Subject.
void check_subject(const PolicyDraft& draft, Report& report);

/// Rule 9: SubjectAltName.
void check_subject_alt_name(const PolicyDraft& draft, Report& report);

/// Rules 10-12: UsageFlags, ExtendedKeyUsage, macOS-only keys.
void check_usage(const PolicyDraft& draft, Report& report);

/// Rule 13 over the raw document: variables where they are allowed, and nowhere else.
void check_variables(JsonValue document, Report& report);

/// Rule 14: what step-ca enforces.
void check_step_ca(const PolicyDraft& draft, Report& report);

/// Rule 15: ca_certificates (validity checks only when options.now is set).
void check_ca_certificates(const PolicyDraft& draft, const ValidationOptions& options, Report& report);

/// Rule 16: targets.
void check_targets(const PolicyDraft& draft, Report& report);

/// Declarative delivery: the limits of the declarative ACME credential (as `render --format ddm` applies them).
void check_delivery(const PolicyDraft& draft, Report& report);

/// Rule 17, shape: reads the fallback object into draft.policy.fallback (document.* findings); false when
/// its shape is wrong (the policy is then incomplete). Called by read_policy_document.
bool read_fallback(JsonValue value, PolicyDraft& draft, Report& report);

/// Rule 17, one document: the fallback's id, its conditions (known, listed once, able to hold), not itself.
void check_fallback(const PolicyDraft& draft, Report& report);

/// Rule 17, across a set (paths "/<index>/fallback/..."): the target exists, no cycle, the target is not
/// stricter on a listed condition's axis, and it is valid. Looks at `report`'s set findings so far.
void check_fallback_set(const std::vector<PolicyCheck>& policies, Report& report);

/// A policy id: [a-z0-9][a-z0-9._-]{0,63}.
bool is_valid_policy_id(const std::string& id) noexcept;

/// Rule 18: the optional renewal object; reads it into draft.policy.renewal and checks its ranges.
void check_renewal(JsonValue document, PolicyDraft& draft, Report& report);

/// Orders diagnostics by the field they point at (in the order of the policy format), keeping the
/// rule order among diagnostics of one field.
void sort_by_field(std::vector<Diagnostic>& diagnostics);

/// Whether two of `diagnostics`, sorted by sort_by_field, belong to the same field: only then can the order
/// in which a walk met them show in the answer.
bool shares_a_field(const std::vector<Diagnostic>& diagnostics);

}  // namespace acmepolicy::validation
