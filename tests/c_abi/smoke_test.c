/* Pure-C smoke test of every acmepolicy_* entry point: NULL, zero-length and garbage inputs, ownership,
 * statuses, and one real document per capability. Built against the build tree (c_abi_smoke) and against
 * the installed package (c_abi_install_consumer). One file on purpose: the installed-package consumer
 * builds this single source with nothing but the installed header and library.
 *
 * usage: c_abi_smoke DATA_DIR [SIGNING_DIR]
 *   DATA_DIR     tests/c_abi/data (policies, inventory, check-in plist, certificate)
 *   SIGNING_DIR  holds signer.pem and signer.key made by openssl at test time (signed rendering)
 */
#include <acmepolicy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

static int failures;

#define CHECK(cond, what)                                                                 \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            ++failures;                                                                   \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, what, #cond); \
        }                                                                                 \
    } while (0)

/* ---- small helpers ------------------------------------------------------------------------------- */

static int contains(const acmepolicy_buffer *b, const char *needle) {
    return b->data != NULL && strstr(b->data, needle) != NULL;
}

/* A JSON document as the ABI promises it: present, NUL-terminated, no inner NUL, an object. */
static int is_json_object(const acmepolicy_buffer *b) {
    return b->data != NULL && b->len > 1 && strlen(b->data) == b->len && b->data[0] == '{' &&
           b->data[b->len - 1] == '}';
}

static int is_input_error(acmepolicy_status s) {
    return s == ACMEPOLICY_INVALID_INPUT || s == ACMEPOLICY_BAD_ARGUMENTS || s == ACMEPOLICY_NOT_FOUND;
}

/* ---- every entry point behind one shape, so the hostile-input checks cover them all ---------------- */

#define MAX_INPUTS 4
typedef struct inputs {
    const char *data[MAX_INPUTS];
    size_t len[MAX_INPUTS];
} inputs;

typedef acmepolicy_status (*entry_fn)(const inputs *in, acmepolicy_buffer *out_json, acmepolicy_buffer *out_bytes);

static acmepolicy_status call_validate(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_validate(in->data[0], in->len[0], in->data[1], in->len[1], j);
}
static acmepolicy_status call_validate_set(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_validate_set(in->data[0], in->len[0], in->data[1], in->len[1], j);
}
static acmepolicy_status call_render(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    return acmepolicy_render(in->data[0], in->len[0], in->data[1], in->len[1], j, b);
}
static acmepolicy_status call_verify(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_verify_client_token(in->data[0], in->len[0], j);
}
static acmepolicy_status call_resolve(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_resolve(in->data[0], in->len[0], in->data[1], in->len[1], in->data[2], in->len[2], j);
}
static acmepolicy_status call_explain(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_explain(in->data[0], in->len[0], in->data[1], in->len[1], in->data[2], in->len[2],
                              in->data[3], in->len[3], j);
}
static acmepolicy_status call_plan(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_plan(in->data[0], in->len[0], in->data[1], in->len[1], in->data[2], in->len[2], in->data[3],
                           in->len[3], j);
}
static acmepolicy_status call_parse_plist(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_parse_plist(in->data[0], in->len[0], j);
}
static acmepolicy_status call_inspect(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_inspect_certificate(in->data[0], in->len[0], in->data[1], in->len[1], j);
}

static acmepolicy_status call_device_from_checkin(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_device_from_checkin(in->data[0], in->len[0], in->data[1], in->len[1], j);
}
static acmepolicy_status call_policy_targets(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    (void)b;
    return acmepolicy_policy_targets(in->data[0], in->len[0], j);
}
static acmepolicy_status call_render_remove(const inputs *in, acmepolicy_buffer *j, acmepolicy_buffer *b) {
    return acmepolicy_render_remove_command(in->data[0], in->len[0], j, b);
}

typedef struct entry {
    const char *name;
    entry_fn call;
    int arity;
    const char *parameter[MAX_INPUTS]; /* the names the ABI uses in its argument.null message */
} entry;

static const entry entries[] = {
    {"validate", call_validate, 2, {"policy_json", "options_json"}},
    {"validate_set", call_validate_set, 2, {"policies_json", "options_json"}},
    {"render", call_render, 2, {"policy_json", "options_json"}},
    {"verify_client_token", call_verify, 1, {"request_json"}},
    {"resolve", call_resolve, 3, {"inventory_json", "policies_json", "options_json"}},
    {"explain", call_explain, 4, {"inventory_json", "policy_json", "device_id", "options_json"}},
    {"plan", call_plan, 4, {"inventory_json", "policies_json", "state_json", "options_json"}},
    {"parse_plist", call_parse_plist, 1, {"plist"}},
    {"inspect_certificate", call_inspect, 2, {"pem", "options_json"}},
    {"device_from_checkin", call_device_from_checkin, 2, {"plist", "options_json"}},
    {"policy_targets", call_policy_targets, 1, {"policy_json"}},
    {"render_remove_command", call_render_remove, 1, {"options_json"}},
};
#define ENTRY_COUNT (sizeof entries / sizeof entries[0])

static void fill(inputs *in, const char *data, size_t len) {
    int i;
    for (i = 0; i < MAX_INPUTS; ++i) {
        in->data[i] = data;
        in->len[i] = len;
    }
}

/* Hostile inputs on every entry point: never a crash, never ok, never internal_error, always a JSON answer. */
static void test_hostile_inputs(void) {
    static const char garbage[] = "\x00{\"a\":\xff\xfe[[[[\"\x01\x02<plist><dict><key>";
    static const char not_json[] = "{not json";
    size_t e;
    for (e = 0; e < ENTRY_COUNT; ++e) {
        const entry *en = &entries[e];
        inputs in;
        acmepolicy_buffer json = {NULL, 0}, bytes = {NULL, 0};
        acmepolicy_status s;
        int slot;

        /* out_json NULL: refused, and out_bytes (when given) left empty. */
        fill(&in, not_json, sizeof not_json - 1);
        bytes.data = (char *)"stale";
        bytes.len = 5;
        s = en->call(&in, NULL, &bytes);
        CHECK(s == ACMEPOLICY_NULL_ARGUMENT, en->name);
        if (en->call == call_render || en->call == call_render_remove)
            CHECK(bytes.data == NULL && bytes.len == 0, en->name);
        bytes.data = NULL;
        bytes.len = 0;

        /* A NULL pointer with a non-zero length, in each slot: null_argument naming that parameter. */
        for (slot = 0; slot < en->arity; ++slot) {
            fill(&in, "{}", 2);
            in.data[slot] = NULL;
            in.len[slot] = 7;
            s = en->call(&in, &json, &bytes);
            CHECK(s == ACMEPOLICY_NULL_ARGUMENT, en->name);
            CHECK(is_json_object(&json), en->name);
            CHECK(contains(&json, "\"argument.null\""), en->name);
            CHECK(contains(&json, en->parameter[slot]), en->parameter[slot]);
            CHECK(bytes.data == NULL, en->name);
            acmepolicy_free(&json);
        }

        /* All inputs empty (NULL, 0): a diagnosed input error. */
        fill(&in, NULL, 0);
        s = en->call(&in, &json, &bytes);
        CHECK(is_input_error(s), en->name);
        CHECK(is_json_object(&json), en->name);
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);

        /* Zero-length but non-NULL pointers: the same as (NULL, 0). */
        fill(&in, not_json, 0);
        s = en->call(&in, &json, &bytes);
        CHECK(is_input_error(s), en->name);
        CHECK(is_json_object(&json), en->name);
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);

        /* Malformed JSON and binary garbage with inner NULs, in every slot. */
        fill(&in, not_json, sizeof not_json - 1);
        s = en->call(&in, &json, &bytes);
        CHECK(is_input_error(s), en->name);
        CHECK(is_json_object(&json), en->name);
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);

        fill(&in, garbage, sizeof garbage - 1);
        s = en->call(&in, &json, &bytes);
        CHECK(is_input_error(s), en->name);
        CHECK(is_json_object(&json), en->name);
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);

        /* A length of SIZE_MAX over a two-byte buffer, in each slot: refused by its cap before any byte is read
           (a read would run off the buffer and ASan/valgrind would say so). */
        for (slot = 0; slot < en->arity; ++slot) {
            fill(&in, "{}", 2);
            in.len[slot] = (size_t)-1;
            s = en->call(&in, &json, &bytes);
            CHECK(s == ACMEPOLICY_BAD_ARGUMENTS, en->name);
            CHECK(contains(&json, "\"argument.too_large\""), en->name);
            CHECK(contains(&json, en->parameter[slot]), en->parameter[slot]);
            CHECK(bytes.data == NULL, en->name);
            acmepolicy_free(&json);
        }
    }
}

static void test_conventions(void) {
    acmepolicy_buffer json = {NULL, 0};
    char expected[64];

    /* Version: macros, runtime function and the JSON document agree. */
    snprintf(expected, sizeof expected, "%d.%d.%d", ACMEPOLICY_VERSION_MAJOR, ACMEPOLICY_VERSION_MINOR,
             ACMEPOLICY_VERSION_PATCH);
    CHECK(strcmp(acmepolicy_version(), expected) == 0, "acmepolicy_version");
    CHECK(acmepolicy_version_number() == ACMEPOLICY_VERSION_NUMBER, "acmepolicy_version_number");
    CHECK(acmepolicy_version_json(&json) == ACMEPOLICY_OK, "acmepolicy_version_json");
    CHECK(is_json_object(&json), "acmepolicy_version_json");
    snprintf(expected, sizeof expected, "\"version\":\"%s\"", acmepolicy_version());
    CHECK(contains(&json, expected), "acmepolicy_version_json");
    CHECK(contains(&json, "\"abi_version\":1"), "acmepolicy_version_json");
    acmepolicy_free(&json);
    CHECK(acmepolicy_version_json(NULL) == ACMEPOLICY_NULL_ARGUMENT, "acmepolicy_version_json(NULL)");

    CHECK(acmepolicy_schema(NULL) == ACMEPOLICY_NULL_ARGUMENT, "acmepolicy_schema(NULL)");
    CHECK(acmepolicy_schema(&json) == ACMEPOLICY_OK, "acmepolicy_schema");
    CHECK(is_json_object(&json), "acmepolicy_schema");
    CHECK(contains(&json, "\"attestation_hardware\":{"), "acmepolicy_schema");
    acmepolicy_free(&json);

    /* Status names are fixed, unknown values are named "unknown". */
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_OK), "ok") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_INVALID_INPUT), "invalid_input") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_BAD_ARGUMENTS), "bad_arguments") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_NOT_FOUND), "not_found") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_INTERNAL_ERROR), "internal_error") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_NULL_ARGUMENT), "null_argument") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string(ACMEPOLICY_OUT_OF_MEMORY), "out_of_memory") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string((acmepolicy_status)99), "unknown") == 0, "status_string");
    CHECK(strcmp(acmepolicy_status_string((acmepolicy_status)-1), "unknown") == 0, "status_string");
    CHECK(ACMEPOLICY_OK == 0 && ACMEPOLICY_INVALID_INPUT == 1 && ACMEPOLICY_BAD_ARGUMENTS == 2 &&
              ACMEPOLICY_NOT_FOUND == 3 && ACMEPOLICY_INTERNAL_ERROR == 4 && ACMEPOLICY_NULL_ARGUMENT == 5 &&
              ACMEPOLICY_OUT_OF_MEMORY == 6,
          "fixed status values");

    /* acmepolicy_free: NULL, empty, and twice are all harmless; it resets the buffer. */
    acmepolicy_free(NULL);
    acmepolicy_free(&json);
    CHECK(acmepolicy_version_json(&json) == ACMEPOLICY_OK, "acmepolicy_version_json");
    acmepolicy_free(&json);
    CHECK(json.data == NULL && json.len == 0, "acmepolicy_free resets");
    acmepolicy_free(&json);
}

/* Escapes text (a PEM) as a JSON string body, so key material can travel inside the options document. */
static char *json_escape(const text *t) {
    char *out = malloc(t->len * 2 + 1);
    size_t i, n = 0;
    if (!out) exit(2);
    for (i = 0; i < t->len; ++i) {
        char c = t->data[i];
        if (c == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = c;
        } else if (c != '\r') {
            out[n++] = c;
        }
    }
    out[n] = '\0';
    return out;
}

#define NOW_OPTIONS "{\"now\":\"2026-11-28T12:00:00Z\"}"

/* One real document per capability: the ABI carries the core's answers and statuses through unchanged. */
static void test_capabilities(const char *data_dir, const char *signing_dir) {
    text policy = read_file(data_dir, "policy-valid.json");
    text invalid = read_file(data_dir, "policy-invalid.json");
    text policies = read_file(data_dir, "policies.json");
    text inventory = read_file(data_dir, "inventory.json");
    text state = read_file(data_dir, "state.json");
    text checkin = read_file(data_dir, "checkin-authenticate.plist");
    static const char iphone[] = "66ADE930-5FDF-5EC4-8429-15640684C489";
    static const char render_options[] =
        "{\"format\":\"mobileconfig\",\"identifier_prefix\":\"com.example.acme\",\"organization\":\"Example Inc.\","
        "\"now\":\"2026-11-28T12:00:00Z\",\"random_hex\":\"00112233445566778899aabbccddeeff\",\"preview\":true}";
    acmepolicy_buffer json = {NULL, 0}, bytes = {NULL, 0};
    acmepolicy_status s;

    s = acmepolicy_validate(policy.data, policy.len, NOW_OPTIONS, strlen(NOW_OPTIONS), &json);
    CHECK(s == ACMEPOLICY_OK, "validate valid policy");
    CHECK(contains(&json, "\"valid\":true"), "validate valid policy");
    acmepolicy_free(&json);

    s = acmepolicy_validate(invalid.data, invalid.len, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT, "validate invalid policy");
    CHECK(contains(&json, "\"valid\":false") && contains(&json, "\"severity\":\"error\""), "validate invalid policy");
    acmepolicy_free(&json);

    s = acmepolicy_validate(policy.data, policy.len, "[1]", 3, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS, "validate with options that are not an object");
    CHECK(contains(&json, "\"error\""), "validate with options that are not an object");
    acmepolicy_free(&json);

    s = acmepolicy_validate_set(policies.data, policies.len, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_OK, "validate_set");
    CHECK(contains(&json, "\"corp-device-identity\"") && contains(&json, "\"lab-rsa\""), "validate_set");
    acmepolicy_free(&json);

    s = acmepolicy_render(policy.data, policy.len, render_options, sizeof render_options - 1, &json, &bytes);
    CHECK(s == ACMEPOLICY_OK, "render mobileconfig");
    CHECK(contains(&json, "\"payload_identifier\""), "render mobileconfig metadata");
    CHECK(bytes.data != NULL && bytes.len > 100 && strncmp(bytes.data, "<?xml", 5) == 0, "render mobileconfig bytes");
    CHECK(contains(&bytes, "com.apple.security.acme"), "render mobileconfig bytes");
    acmepolicy_free(&json);
    acmepolicy_free(&bytes);

    /* Metadata only: out_bytes NULL is allowed. */
    s = acmepolicy_render(policy.data, policy.len, render_options, sizeof render_options - 1, &json, NULL);
    CHECK(s == ACMEPOLICY_OK && contains(&json, "\"payload_identifier\""), "render without out_bytes");
    acmepolicy_free(&json);

    s = acmepolicy_render(policy.data, policy.len, "{\"format\":\"pdf\"}", 16, &json, &bytes);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS, "render unknown format");
    CHECK(bytes.data == NULL && bytes.len == 0, "render unknown format renders nothing");
    acmepolicy_free(&json);

    s = acmepolicy_render(invalid.data, invalid.len, render_options, sizeof render_options - 1, &json, &bytes);
    CHECK(s == ACMEPOLICY_INVALID_INPUT, "render invalid policy");
    CHECK(bytes.data == NULL, "render invalid policy renders nothing");
    acmepolicy_free(&json);

    {
        static const char request[] =
            "{\"secret\":\"s3cret-s3cret-s3cret\",\"policy_id\":\"corp-device-identity\",\"device_id\":\"d1\","
            "\"token\":\"not-the-token\"}";
        s = acmepolicy_verify_client_token(request, sizeof request - 1, &json);
        CHECK(s == ACMEPOLICY_OK && contains(&json, "\"valid\":false"), "verify_client_token wrong token");
        acmepolicy_free(&json);
    }

    s = acmepolicy_resolve(inventory.data, inventory.len, policies.data, policies.len, NOW_OPTIONS,
                           strlen(NOW_OPTIONS), &json);
    CHECK(s == ACMEPOLICY_OK, "resolve");
    CHECK(contains(&json, "\"policies\"") && contains(&json, iphone) && contains(&json, "\"excluded\""), "resolve");
    acmepolicy_free(&json);

    s = acmepolicy_explain(inventory.data, inventory.len, policy.data, policy.len, iphone, sizeof iphone - 1, NULL, 0,
                           &json);
    CHECK(s == ACMEPOLICY_OK && contains(&json, "\"included\":true"), "explain included device");
    acmepolicy_free(&json);
    s = acmepolicy_explain(inventory.data, inventory.len, policy.data, policy.len, "old-ipad", 8, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_OK && contains(&json, "\"included\":false") && contains(&json, "\"reason\""),
          "explain excluded device");
    acmepolicy_free(&json);
    s = acmepolicy_explain(inventory.data, inventory.len, policy.data, policy.len, "no-such-device", 14, NULL, 0,
                           &json);
    CHECK(s == ACMEPOLICY_NOT_FOUND, "explain unknown device");
    CHECK(is_json_object(&json), "explain unknown device");
    acmepolicy_free(&json);

    s = acmepolicy_plan(inventory.data, inventory.len, policies.data, policies.len, state.data, state.len, NULL, 0,
                        &json);
    CHECK(s == ACMEPOLICY_OK, "plan");
    CHECK(contains(&json, "\"action\":\"install\"") && contains(&json, "\"action\":\"remove\""), "plan");
    acmepolicy_free(&json);

    s = acmepolicy_parse_plist(checkin.data, checkin.len, &json);
    CHECK(s == ACMEPOLICY_OK, "parse_plist check-in");
    CHECK(contains(&json, "\"MessageType\":\"Authenticate\"") && contains(&json, "\"Challenge\":\"YXBwbGU=\""),
          "parse_plist check-in");
    acmepolicy_free(&json);

    /* Check-in → device record: the facts of the Authenticate, the platform from its ProductName. */
    s = acmepolicy_device_from_checkin(checkin.data, checkin.len, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_OK, "device_from_checkin");
    CHECK(contains(&json, "\"message_type\":\"Authenticate\"") && contains(&json, "\"platform\":\"macOS\"") &&
              contains(&json, "\"id\":\"66ADE930-5FDF-5EC4-8429-15640684C489\"") &&
              contains(&json, "\"serial_number\":\"C02MT66KFLHH\"") && contains(&json, "\"enrollment\":\"device\""),
          "device_from_checkin");
    acmepolicy_free(&json);
    s = acmepolicy_device_from_checkin(checkin.data, checkin.len, "{\"device\":{\"serial_number\":1}}", 30, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && contains(&json, "/options/device"), "device_from_checkin bad record");
    acmepolicy_free(&json);

    s = acmepolicy_policy_targets(policy.data, policy.len, &json);
    CHECK(s == ACMEPOLICY_OK && contains(&json, "\"targets\":{\"device_groups\"") && contains(&json, "\"fallback\""),
          "policy_targets");
    acmepolicy_free(&json);

    {
        static const char remove_options[] =
            "{\"payload_identifier\":\"com.example.acme.corp-device-identity\",\"command_uuid\":\"C-1\"}";
        s = acmepolicy_render_remove_command(remove_options, sizeof remove_options - 1, &json, &bytes);
        CHECK(s == ACMEPOLICY_OK && contains(&json, "\"payload_identifier\":\"com.example.acme.corp-device-identity\""),
              "render_remove_command");
        CHECK(contains(&bytes, "<string>RemoveProfile</string>") &&
                  contains(&bytes, "<string>com.example.acme.corp-device-identity</string>"),
              "render_remove_command bytes");
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);
        s = acmepolicy_render_remove_command("{\"payload_identifier\":\"a b\",\"command_uuid\":\"C\"}", 47, &json, &bytes);
        CHECK(s == ACMEPOLICY_INVALID_INPUT && contains(&json, "render.identifier_invalid") && bytes.data == NULL,
              "render_remove_command invalid identifier");
        acmepolicy_free(&json);
    }

    if (signing_dir) {
        text certificate = read_file(signing_dir, "signer.pem");
        text key = read_file(signing_dir, "signer.key");
        char *certificate_json = json_escape(&certificate);
        char *key_json = json_escape(&key);
        size_t size = strlen(certificate_json) + strlen(key_json) + 512;
        char *options = malloc(size);
        if (!options) exit(2);

        s = acmepolicy_inspect_certificate(certificate.data, certificate.len, NULL, 0, &json);
        CHECK(s == ACMEPOLICY_OK, "inspect_certificate");
        CHECK(contains(&json, "c_abi signer") && contains(&json, "\"sha256_fingerprint\""), "inspect_certificate");
        acmepolicy_free(&json);

        /* Signed profile: the PEM certificate and key travel in memory inside the options. */
        snprintf(options, size,
                 "{\"format\":\"mobileconfig\",\"identifier_prefix\":\"com.example.acme\",\"preview\":true,"
                 "\"now\":\"2026-11-28T12:00:00Z\",\"random_hex\":\"00112233445566778899aabbccddeeff\","
                 "\"signing\":{\"certificate_pem\":\"%s\",\"key_pem\":\"%s\"}}",
                 certificate_json, key_json);
        s = acmepolicy_render(policy.data, policy.len, options, strlen(options), &json, &bytes);
        CHECK(s == ACMEPOLICY_OK, "render signed");
        CHECK(bytes.len > 200 && (unsigned char)bytes.data[0] == 0x30, "render signed gives DER");
        CHECK(bytes.len > 200 && memchr(bytes.data, 0, bytes.len) != NULL, "render signed bytes are binary");
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);

        free(options);
        free(certificate_json);
        free(key_json);
        free(certificate.data);
        free(key.data);
    }

    free(policy.data);
    free(invalid.data);
    free(policies.data);
    free(inventory.data);
    free(state.data);
    free(checkin.data);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA_DIR [SIGNING_DIR]\n", argv[0]);
        return 2;
    }
    test_conventions();
    test_hostile_inputs();
    test_capabilities(argv[1], argc > 2 ? argv[2] : NULL);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c_abi smoke: all checks passed (libacmepolicy %s)\n", acmepolicy_version());
    return 0;
}
