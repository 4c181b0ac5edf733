// The JSON-in / JSON-out facade over the core: the one surface the CLI, the C ABI, the wasm module and
// the server call, so that every host gets byte-identical answers for the same inputs.
//
// Every function is pure (time, secrets, key material and random bytes come in as arguments), thread-safe,
// and never throws: malformed input comes back as diagnostics, and an internal failure (including
// std::bad_alloc) as ApiStatus::internal_error with a message.
#pragma once

#include <string>
#include <string_view>

namespace acmepolicy {

/// Fixed values: the C ABI exposes them unchanged, so never renumber one.
enum class ApiStatus {
    ok = 0,               // the call worked; `json` holds the result
    invalid_input = 1,    // an input document has errors; `json` holds the result with its diagnostics
    bad_arguments = 2,    // the call itself is malformed (options not JSON, unknown format, ...)
    not_found = 3,        // a named thing (device id, policy id) does not exist in the input
    internal_error = 4,   // a bug or resource exhaustion; `json` holds {"error": {...}}
};

/// What every facade call returns. `json` is always a complete JSON document (UTF-8). `bytes` carries
/// binary or non-JSON output (a rendered profile, a signed profile's DER, a command plist) and is empty
/// otherwise.
struct ApiResult {
    ApiStatus status = ApiStatus::ok;
    std::string json;
    std::string bytes;
};

/// {"version": "0.2.0", "schema_version": 1, "abi_version": 1}
ApiResult api_version();

/// The core's tables, for hosts to build pickers and constants from (never to copy): {"schema_version",
/// "version", "variables": [{"name", "enrollment": {"ade", "device", "user"}, "always_available"}],
/// "device_record_keys": [{"name", "type", "required", "values"?}], "payload_keys": [{"name", "type",
/// "required", "platforms": {"iOS": "16.0", ...}, "default"?, "keys"?}], "key_sizes": [{"key_type",
/// "hardware_bound", "allowed", "sizes"? | "min", "max", "multiple_of", "weak_below"?, "weak"?}], "codes":
/// [{"code", "severity", "meaning"}], "assignment": {"exclusion_reasons", "warnings",
/// "fallback_conditions", "minimum_os_version"}, "attestation_hardware": {"source", "families": [{"prefix",
/// "device", "ignored_on", "first_capable_major" (null: none attests), "first_chip"}]}}. See docs/schema.md.
ApiResult api_schema();

/// Validates one policy document. options_json: {} or {"now": "2026-11-28T12:00:00Z"} ("" = {}).
/// json: {"valid": bool, "diagnostics": [...]}; status invalid_input when valid is false.
ApiResult api_validate(std::string_view policy_json, std::string_view options_json);

/// Validates a JSON array of policy documents, each alone and as a set (names unique ignoring case).
/// json: {"valid": bool, "policies": [{"id", "name", "valid", "diagnostics"}], "diagnostics": [set-level]}
ApiResult api_validate_set(std::string_view policies_json, std::string_view options_json);

/// Renders a policy. options_json: {"format": "mobileconfig"|"ddm"|"install-command"|"remove-command",
/// "device": <device record>|absent, "preview": bool, "identifier_prefix": "com.example",
/// "organization", "description", "client_token_secret", "signing": {"certificate_pem", "key_pem",
/// "chain_pem"}, "ddm_base_url", "command_uuid", "random_hex", "now"}. See docs/rendering.md.
/// bytes: the rendered document; json: metadata {"format", "content_type", "payload_identifier",
/// "payload_uuid", ...} plus "diagnostics". An invalid policy renders nothing (invalid_input).
ApiResult api_render(std::string_view policy_json, std::string_view options_json);

/// The RemoveProfile MDM command for a profile named by what the host recorded, without the policy
/// document. options_json: {"payload_identifier": "<the identifier the device has>"} (as the plan's or the
/// state's payload_identifier), or {"policy_id", "identifier_prefix"?} (the core derives
/// `<prefix>.<policy id>`, prefix default "com.example.acmepolicy"); plus "command_uuid" or "random_hex"
/// (≥ 16 bytes) as for api_render. bytes: the command plist; json: {"ok", "format": "remove-command",
/// "content_type", "payload_identifier", "diagnostics"}. Status invalid_input (render.identifier_invalid,
/// render.identifier_prefix_invalid, render.command_uuid_*) with empty bytes; bad_arguments when both or
/// neither of payload_identifier and policy_id are given, or an option is unknown or of the wrong type.
/// See docs/rendering.md, "Commands".
ApiResult api_render_remove_command(std::string_view options_json);

/// Checks a client_token. request_json: {"secret", "policy_id", "device_id", "token"}.
/// json: {"valid": bool}.
ApiResult api_verify_client_token(std::string_view request_json);

/// Resolves which devices of an inventory receive which policies. policies_json: a JSON array of policy
/// documents. json: see docs/assignment.md.
ApiResult api_resolve(std::string_view inventory_json, std::string_view policies_json,
                      std::string_view options_json);

/// One policy/device pair in a sentence. json: {"policy", "device", "included", "reason"?,
/// "included_via_fallback"?, "message", "warnings"}. policy_json is one policy document, or a JSON array
/// of them: the first is explained, the others complete the set (fallbacks are followed within it).
ApiResult api_explain(std::string_view inventory_json, std::string_view policy_json,
                      std::string_view device_id, std::string_view options_json);

/// The reconciliation plan: which profiles to install, update or remove. state_json: the current state
/// per device. json: {"actions": [...]}; see docs/assignment.md.
ApiResult api_plan(std::string_view inventory_json, std::string_view policies_json,
                   std::string_view state_json, std::string_view options_json);

/// Whom a policy targets and where it falls back, as the core reads the document (the shape only: no rule
/// runs, so a stored document whose CA has expired still answers). json: {"id" (given or derived from the
/// name), "targets": {"device_groups": [...], "devices": [...]}, "fallback": {"policy", "when": [...]} |
/// null, "diagnostics": [...]}. Status invalid_input when the document is not strict JSON, not an object, or
/// has shape errors in its id, name, targets or fallback (json.*, document.*; only those are listed: the
/// payload's are validation's): "id", "targets" and "fallback" are then what could be read (absent when
/// the document is not an object). See docs/assignment.md, "Targets".
ApiResult api_policy_targets(std::string_view policy_json);

/// Maps a device's message to its device record (docs/rendering.md, "Device records from check-ins"):
/// plist_bytes is an Authenticate or TokenUpdate check-in, or a DeviceInformation command answer (XML
/// plist, as NanoMDM's webhook delivers it base64-decoded in raw_payload). options_json: {"device": <the
/// current device record>?, "id": "<record id when there is no record>"?, "enrollment_type": "<the MDM's
/// channel type, NanoMDM's ids.type>"?} ("" = {}); without device and id the id is the message's UDID,
/// else its EnrollmentID. json: {"message_type": "Authenticate"|"TokenUpdate"|"DeviceInformation",
/// "device": <device record>, "user_channel": bool, "changed": bool, "diagnostics": []}. Status
/// invalid_input with {"diagnostics"} for unreadable bytes (plist.*), an invalid device record (device.*
/// at /options/device) or a message that cannot be mapped (checkin.not_dict, checkin.unsupported,
/// checkin.no_id); bad_arguments for malformed or unknown options.
ApiResult api_device_from_checkin(std::string_view plist_bytes, std::string_view options_json);

/// Reads an XML property list (a check-in message, a command report) strictly into JSON.
/// json: {"value": ...} or diagnostics; dates become RFC 3339 strings, data becomes base64 strings.
ApiResult api_parse_plist(std::string_view plist_bytes);

/// Describes one PEM certificate: {"subject", "issuer", "not_before", "not_after", "is_ca", "key_type",
/// "key_bits", "serial", "sha256_fingerprint"} or diagnostics.
ApiResult api_inspect_certificate(std::string_view pem, std::string_view options_json);

/// Reads a CertificateList command answer (the device's XML plist bytes) into certificate descriptions.
/// options_json: {} or "". json: {"certificates": [{"common_name", "subject", "issuer", "serial",
/// "not_before", "not_after", "key_type", "key_bits", "sha256_fingerprint", "is_identity"}],
/// "diagnostics": [...]}; entries that cannot be read are warnings (and left out); status invalid_input
/// when the answer as a whole is unusable (plist.* or certificate_list.* errors). See docs/lifecycle.md.
ApiResult api_parse_certificate_list(std::string_view plist_bytes, std::string_view options_json);

/// The certificate one policy produced on one device, and when the device must get its profile again.
/// entry_json: {"device": <device record>, "certificates": [{"CommonName", "Data" (base64 DER),
/// "IsIdentity"}], "last_renewal": {"<policy id>": RFC 3339}}. options_json: {"now" (required),
/// "issuer_chain_pem", "min_interval_hours" (6), "spread_hours" (12), "client_token_secret"}.
/// json: {"policy", "device", "state": "ok"|"due"|"expired"|"throttled"|"missing", "due", "renew_at",
/// "window_seconds", "jitter_seconds", "rule", "certificate", "matched", "foreign", "last_renewal",
/// "reason", "diagnostics"}.
ApiResult api_certificate_status(std::string_view policy_json, std::string_view entry_json,
                                 std::string_view options_json);

/// Plans the renewals of a fleet. inventory_json: {"devices": [<entry as for api_certificate_status, plus
/// "policies": [ids] to restrict the policies that apply>]}; policies_json: a JSON array of policy
/// documents; options as for api_certificate_status. json: {"now", "renewals": [{"device", "policy",
/// "state", "renew_at", "not_after", "serial", "sha256_fingerprint"}] (by renew_at), "missing":
/// [{"device", "policy"}], "per_day": [{"date", "count"}], "summary", "diagnostics"}.
ApiResult api_plan_renewals(std::string_view inventory_json, std::string_view policies_json,
                            std::string_view options_json);

}  // namespace acmepolicy
