/*
 * acmepolicy.h: the stable C ABI of acmepolicy (libacmepolicy.so, SONAME libacmepolicy.so.1).
 *
 * Validate, render and resolve Apple's ACME certificate policies (com.apple.security.acme) from any
 * language that can call C. Every function takes JSON (or plist/PEM bytes) in and gives JSON (and, for
 * rendering, bytes) out; the documents are those of the core's facade, described in docs/c-abi.md.
 *
 * Conventions (they hold for every function below):
 *
 *  - Inputs are (pointer, length) pairs of bytes, not NUL-terminated strings. (NULL, 0) is the empty input;
 *    an empty options document means "{}". A NULL pointer with a non-zero length is refused with
 *    ACMEPOLICY_NULL_ARGUMENT. The library never keeps a pointer to an input after the call returns.
 *
 *  - OWNERSHIP: every acmepolicy_buffer the library fills is owned by the caller from then on and must be
 *    released with acmepolicy_free() (never with free()). The library overwrites out-buffers without
 *    freeing what they held: pass zeroed or already freed buffers. Strings returned as `const char *`
 *    (acmepolicy_status_string, acmepolicy_version) are static and are never freed.
 *
 *  - The result of a call comes back from that same call: its status and a complete JSON document in
 *    out_json (the result, its diagnostics, or {"error": {"code", "message"}}). There is no "last error"
 *    to fetch afterwards, so the ABI works from goroutines, green threads and thread pools.
 *
 *  - out_json is always written when it is not NULL: on success it holds a NUL-terminated document
 *    (the NUL is not counted in `len`); only ACMEPOLICY_OUT_OF_MEMORY leaves it empty {NULL, 0}.
 *
 *  - No C++ exception, abort() or exit() ever crosses this boundary: every failure, running out of memory
 *    included, becomes a status.
 *
 *  - Thread-safe and reentrant: the library has no mutable global state; any function may be called from
 *    any number of threads at once. Time, secrets, key material and random bytes are arguments.
 *
 * Example:
 *
 *     acmepolicy_buffer report = {0};
 *     acmepolicy_status status = acmepolicy_validate(policy, policy_len, NULL, 0, &report);
 *     if (status == ACMEPOLICY_OK || status == ACMEPOLICY_INVALID_INPUT)
 *         puts(report.data);          // {"valid": ..., "diagnostics": [...]}
 *     acmepolicy_free(&report);
 */
#ifndef ACMEPOLICY_H
#define ACMEPOLICY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version (semantic versioning). The ABI itself is versioned by the SONAME. */
#define ACMEPOLICY_VERSION_MAJOR 0
#define ACMEPOLICY_VERSION_MINOR 2
#define ACMEPOLICY_VERSION_PATCH 0
#define ACMEPOLICY_VERSION_NUMBER \
    (ACMEPOLICY_VERSION_MAJOR * 10000 + ACMEPOLICY_VERSION_MINOR * 100 + ACMEPOLICY_VERSION_PATCH)

#if defined(ACMEPOLICY_BUILDING_LIBRARY) && defined(__GNUC__)
#define ACMEPOLICY_API __attribute__((visibility("default")))
#else
#define ACMEPOLICY_API
#endif

/*
 * Every input is capped: a longer one is refused with ACMEPOLICY_BAD_ARGUMENTS and
 * {"error": {"code": "argument.too_large", "message": "<name> is N bytes, more than the M this call reads."}}
 * before a byte of it is read, so a caller's bug (a length of SIZE_MAX, a file read by mistake) costs nothing.
 * The caps sit above the core's own limits (a policy over 1 MiB still gets the json.too_large diagnostic).
 */
#define ACMEPOLICY_MAX_DOCUMENT_BYTES (16UL * 1024UL * 1024UL)  /* a policy, a request, a PEM bundle, a plist */
#define ACMEPOLICY_MAX_OPTIONS_BYTES (1024UL * 1024UL)            /* every options_json */
#define ACMEPOLICY_MAX_INVENTORY_BYTES (64UL * 1024UL * 1024UL) /* an inventory, a policy set, a state */
#define ACMEPOLICY_MAX_CERTIFICATE_LIST_BYTES (4UL * 1024UL * 1024UL) /* one CertificateList answer */
#define ACMEPOLICY_MAX_IDENTIFIER_BYTES (4096UL)                 /* a device id */

/*
 * What a call did. The values are fixed forever: new values are appended, none is ever renumbered.
 * Values 0-4 are the core facade's statuses unchanged.
 */
typedef enum acmepolicy_status {
    ACMEPOLICY_OK = 0,             /* the call worked; out_json holds the result */
    ACMEPOLICY_INVALID_INPUT = 1,  /* an input document has errors; out_json holds them as diagnostics */
    ACMEPOLICY_BAD_ARGUMENTS = 2,  /* the call is malformed (options not JSON, unknown format, ...) */
    ACMEPOLICY_NOT_FOUND = 3,      /* a named thing (device id, policy id) is not in the input */
    ACMEPOLICY_INTERNAL_ERROR = 4, /* a bug in the library; out_json holds {"error": {...}} */
    ACMEPOLICY_NULL_ARGUMENT = 5,  /* out_json is NULL, or an input pointer is NULL with a non-zero length */
    ACMEPOLICY_OUT_OF_MEMORY = 6   /* memory ran out; the out-buffers are left empty */
} acmepolicy_status;

/*
 * Bytes the library allocated for the caller. `data` is NUL-terminated (the NUL is not counted in `len`)
 * so JSON can be used as a C string; rendered bytes may also contain NULs of their own (DER).
 * Release with acmepolicy_free().
 */
typedef struct acmepolicy_buffer {
    char *data;
    size_t len;
} acmepolicy_buffer;

/*
 * Releases what the library put in `buffer` and resets it to {NULL, 0}. Idempotent: freeing an empty or
 * already freed buffer, or passing NULL, does nothing.
 */
ACMEPOLICY_API void acmepolicy_free(acmepolicy_buffer *buffer);

/*
 * The stable lower-case name of a status ("ok", "invalid_input", "bad_arguments", "not_found",
 * "internal_error", "null_argument", "out_of_memory"), or "unknown" for any other value.
 * Static storage: never freed.
 */
ACMEPOLICY_API const char *acmepolicy_status_string(acmepolicy_status status);

/* The library's version as "MAJOR.MINOR.PATCH". Static storage: never freed. */
ACMEPOLICY_API const char *acmepolicy_version(void);

/* The library's version as MAJOR*10000 + MINOR*100 + PATCH, to compare with ACMEPOLICY_VERSION_NUMBER. */
ACMEPOLICY_API unsigned acmepolicy_version_number(void);

/* {"version": "0.2.0", "schema_version": 1, "abi_version": 1}: library, policy-document and ABI versions. */
ACMEPOLICY_API acmepolicy_status acmepolicy_version_json(acmepolicy_buffer *out_json);

/*
 * The core's tables as one JSON document, for building pickers and constants instead of copying them:
 * {"schema_version", "version", "variables", "device_record_keys", "payload_keys", "key_sizes", "codes",
 *  "assignment", "attestation_hardware"} (docs/schema.md gives every member). Always ACMEPOLICY_OK unless
 * out_json is NULL or memory runs out. Free out_json with acmepolicy_buffer_free.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_schema(acmepolicy_buffer *out_json);

/*
 * Validates one policy document. options: {} or {"now": "2026-11-28T12:00:00Z"}.
 * out_json: {"valid": bool, "diagnostics": [...]}. Status ACMEPOLICY_INVALID_INPUT when valid is false.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_validate(const char *policy_json, size_t policy_json_len,
                                                     const char *options_json, size_t options_json_len,
                                                     acmepolicy_buffer *out_json);

/*
 * Validates a JSON array of policy documents, each alone and as a set (names unique ignoring case).
 * out_json: {"valid": bool, "policies": [{"id", "name", "valid", "diagnostics"}], "diagnostics": [...]}.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_validate_set(const char *policies_json, size_t policies_json_len,
                                                         const char *options_json, size_t options_json_len,
                                                         acmepolicy_buffer *out_json);

/*
 * Renders a policy. options: {"format": "mobileconfig" | "ddm" | "install-command" | "remove-command",
 * "device", "preview", "identifier_prefix", "organization", "description", "client_token_secret",
 * "signing": {"certificate_pem", "key_pem", "chain_pem"}, "ddm_base_url", "command_uuid", "random_hex",
 * "now"}: key material is passed in memory, inside the options. See docs/rendering.md.
 * out_json: metadata {"format", "content_type", "payload_identifier", "payload_uuid", ..., "diagnostics"}.
 * out_bytes: the rendered document (XML plist, DER for a signed profile, JSON for DDM); {NULL, 0} when
 * nothing was rendered. out_bytes may be NULL when only the metadata is wanted.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_render(const char *policy_json, size_t policy_json_len,
                                                   const char *options_json, size_t options_json_len,
                                                   acmepolicy_buffer *out_json, acmepolicy_buffer *out_bytes);

/*
 * Checks a client_token. request: {"secret", "policy_id", "device_id", "token"}. out_json: {"valid": bool}.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_verify_client_token(const char *request_json, size_t request_json_len,
                                                                acmepolicy_buffer *out_json);

/*
 * Resolves which devices of an inventory receive which policies (policies: a JSON array of policy
 * documents). out_json: the assignments and the reasons for every exclusion; see docs/assignment.md.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_resolve(const char *inventory_json, size_t inventory_json_len,
                                                    const char *policies_json, size_t policies_json_len,
                                                    const char *options_json, size_t options_json_len,
                                                    acmepolicy_buffer *out_json);

/*
 * Explains one policy/device pair. device_id is the device's "id" (bytes, not NUL-terminated).
 * out_json: {"policy", "device", "included", "reason"?, "message"}. ACMEPOLICY_NOT_FOUND when the device
 * is not in the inventory.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_explain(const char *inventory_json, size_t inventory_json_len,
                                                    const char *policy_json, size_t policy_json_len,
                                                    const char *device_id, size_t device_id_len,
                                                    const char *options_json, size_t options_json_len,
                                                    acmepolicy_buffer *out_json);

/*
 * The reconciliation plan from the current state per device. out_json: {"actions": [...]}; see
 * docs/assignment.md.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_plan(const char *inventory_json, size_t inventory_json_len,
                                                 const char *policies_json, size_t policies_json_len,
                                                 const char *state_json, size_t state_json_len,
                                                 const char *options_json, size_t options_json_len,
                                                 acmepolicy_buffer *out_json);

/*
 * Reads an XML property list (an MDM check-in message, a command report) strictly into JSON.
 * out_json: {"value": ...} (dates as RFC 3339 strings, data as base64) or diagnostics.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_parse_plist(const char *plist, size_t plist_len,
                                                        acmepolicy_buffer *out_json);

/*
 * Maps a device's message to its device record: plist is an Authenticate or TokenUpdate check-in, or a
 * DeviceInformation answer (XML plist bytes, as NanoMDM's webhook delivers them base64-decoded). options:
 * {"device": <current device record>?, "id"?, "enrollment_type": <NanoMDM's ids.type>?} (or empty).
 * out_json: {"message_type", "device": <device record>, "user_channel", "changed", "diagnostics"}, or
 * ACMEPOLICY_INVALID_INPUT with {"diagnostics"} (plist.*, device.*, checkin.*). Caps: plist
 * ACMEPOLICY_MAX_DOCUMENT_BYTES (the core reads at most 1 MiB), options 1 MiB. See docs/rendering.md.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_device_from_checkin(const char *plist, size_t plist_len,
                                                                const char *options_json, size_t options_json_len,
                                                                acmepolicy_buffer *out_json);

/*
 * Whom a policy targets and where it falls back, as the core reads the document. out_json: {"id",
 * "targets": {"device_groups", "devices"}, "fallback": {"policy", "when"} | null, "diagnostics"};
 * ACMEPOLICY_INVALID_INPUT when the document is not strict JSON or has shape errors. Cap: policy
 * ACMEPOLICY_MAX_DOCUMENT_BYTES. See docs/assignment.md.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_policy_targets(const char *policy_json, size_t policy_json_len,
                                                           acmepolicy_buffer *out_json);

/*
 * The RemoveProfile command for a profile named by what the host recorded, without the policy. options:
 * {"payload_identifier"} or {"policy_id", "identifier_prefix"?}, plus "command_uuid" or "random_hex".
 * out_json: {"ok", "format", "content_type", "payload_identifier", "diagnostics"}; out_bytes: the command
 * plist ({NULL, 0} when nothing was rendered; out_bytes may be NULL). Cap: options 1 MiB.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_render_remove_command(const char *options_json, size_t options_json_len,
                                                                  acmepolicy_buffer *out_json,
                                                                  acmepolicy_buffer *out_bytes);

/*
 * Describes one PEM certificate. out_json: {"subject", "issuer", "not_before", "not_after", "is_ca",
 * "key_type", "key_bits", "serial", "sha256_fingerprint"} or diagnostics.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_inspect_certificate(const char *pem, size_t pem_len,
                                                                const char *options_json, size_t options_json_len,
                                                                acmepolicy_buffer *out_json);

/*
 * ---- The life of a certificate (docs/lifecycle.md) ----
 */

/*
 * Reads a CertificateList command answer (the device's XML plist bytes). options: {} (or empty).
 * out_json: {"certificates": [{"common_name", "subject", "issuer", "serial", "not_before", "not_after",
 * "key_type", "key_bits", "sha256_fingerprint", "is_identity"}], "diagnostics": [...]}. Unreadable
 * entries are warnings; ACMEPOLICY_INVALID_INPUT when the answer as a whole is unusable.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_parse_certificate_list(const char *plist, size_t plist_len,
                                                                   const char *options_json, size_t options_json_len,
                                                                   acmepolicy_buffer *out_json);

/*
 * The certificate one policy produced on one device and when to renew it. entry: {"device": <device
 * record>, "certificates": [{"CommonName", "Data" (base64 DER), "IsIdentity"}], "last_renewal":
 * {"<policy id>": RFC 3339}}. options: {"now" (required), "issuer_chain_pem", "min_interval_hours",
 * "spread_hours", "client_token_secret"}. out_json: {"policy", "device", "state", "due", "renew_at",
 * "certificate", "reason", "diagnostics", ...}; state is ok, due, expired, throttled or missing.
 * Caps: policy 1 MiB, entry 8 MiB, options 1 MiB.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_certificate_status(const char *policy_json, size_t policy_json_len,
                                                               const char *entry_json, size_t entry_json_len,
                                                               const char *options_json, size_t options_json_len,
                                                               acmepolicy_buffer *out_json);

/*
 * Plans the renewals of a fleet. inventory: {"devices": [<entry as above, plus "policies": [ids]>]};
 * policies: a JSON array of policy documents; options as above. out_json: {"now", "renewals": [...]
 * (by renew_at), "missing": [...], "per_day": [{"date", "count"}], "summary", "diagnostics"}.
 * Caps: inventory and policies ACMEPOLICY_MAX_INVENTORY_BYTES each, options 1 MiB.
 */
ACMEPOLICY_API acmepolicy_status acmepolicy_plan_renewals(const char *inventory_json, size_t inventory_json_len,
                                                          const char *policies_json, size_t policies_json_len,
                                                          const char *options_json, size_t options_json_len,
                                                          acmepolicy_buffer *out_json);

#ifdef __cplusplus
}
#endif

#endif /* ACMEPOLICY_H */
