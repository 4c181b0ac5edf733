// The typed policy as far as a document could be read, plus which fields were read: rules look only at
// fields that were present with the right JSON type, so one type error does not hide the other findings.
#pragma once

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/policy.hpp"
#include "validation/document.hpp"

namespace acmepolicy::validation {

struct PolicyDraft {
    Policy policy;
    bool is_object = false;  // the document is a JSON object
    bool id_given = false;
    bool has_name = false;
    bool has_payload = false;
    bool has_directory_url = false;
    bool has_client_identifier = false;
    bool has_key_type = false;
    bool has_key_size = false;
    bool has_hardware_bound = false;
    bool has_subject = false;  // Subject read completely (every RDN and pair well-formed)
    bool has_targets = false;
    /// No required key missing and no value of the wrong type: the typed Policy is complete.
    bool complete = false;
};

/// Reads the document's shape into a draft (rule 1 and the types of every key). Adds document.*,
/// keysize.not_integer and subject.* shape findings to `report`. Never throws for bad input.
PolicyDraft read_policy_document(JsonValue document, Report& report);

}  // namespace acmepolicy::validation
