/* Thread-safety stress of the C ABI: 8 threads x 10,000 mixed calls, built with -fsanitize=thread.
 * Every thread compares each answer byte for byte with the single-threaded answer computed first, so a
 * data race shows up either as a ThreadSanitizer report (non-zero exit) or as a differing answer.
 *
 * usage: c_abi_tsan_stress DATA_DIR
 */
#include <acmepolicy.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../read_file.h"

enum { THREADS = 8, CALLS_PER_THREAD = 10000, KINDS = 11 };

static text policy, policies, inventory, checkin;
static const char garbage[] = "{\"schema_version\": 1, \"payload\": [\x01\xff";
static const char options[] = "{\"now\":\"2026-11-28T12:00:00Z\"}";
static const char render_options[] = "{\"format\":\"mobileconfig\",\"identifier_prefix\":\"com.example\","
                                     "\"now\":\"2026-11-28T12:00:00Z\",\"random_hex\":\"00112233445566778899aabbccddeeff\"}";
static const char remove_options[] = "{\"policy_id\":\"corp-acme\",\"identifier_prefix\":\"com.example\","
                                     "\"random_hex\":\"00112233445566778899aabbccddeeff\"}";
static const char token_request[] = "{\"secret\":\"s3cret\",\"policy_id\":\"p\",\"device_id\":\"d\",\"token\":\"x\"}";

static acmepolicy_buffer expected_json[KINDS];
static acmepolicy_buffer expected_bytes[KINDS];
static acmepolicy_status expected_status[KINDS];

/* One call of kind `kind` (0..KINDS-1): the mix covers every capability a server calls per request. */
static acmepolicy_status call(int kind, acmepolicy_buffer *json, acmepolicy_buffer *bytes) {
    switch (kind) {
        case 0: return acmepolicy_version_json(json);
        case 1: return acmepolicy_validate(policy.data, policy.len, options, sizeof options - 1, json);
        case 2: return acmepolicy_validate(garbage, sizeof garbage - 1, NULL, 0, json);
        case 3:
            return acmepolicy_render(policy.data, policy.len, render_options, sizeof render_options - 1, json,
                                     bytes);
        case 4: return acmepolicy_parse_plist(checkin.data, checkin.len, json);
        case 5: return acmepolicy_verify_client_token(token_request, sizeof token_request - 1, json);
        case 6:
            return acmepolicy_resolve(inventory.data, inventory.len, policies.data, policies.len, options,
                                      sizeof options - 1, json);
        case 7: return acmepolicy_validate_set(policies.data, policies.len, NULL, 0, json);
        case 8: return acmepolicy_device_from_checkin(checkin.data, checkin.len, NULL, 0, json);
        case 9: return acmepolicy_policy_targets(policy.data, policy.len, json);
        default: return acmepolicy_render_remove_command(remove_options, sizeof remove_options - 1, json, bytes);
    }
}

/* How often each kind is called: every capability runs in every thread, the costly ones (render, resolve,
 * validate_set are milliseconds each under TSan) rarely enough to keep the test to seconds. */
static const unsigned char mix[64] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                            /* version_json x16 */
    8, 8, 8,                                                                    /* device_from_checkin x3 */
    9, 9, 9,                                                                    /* policy_targets x3 */
    10, 10, 10,                                                                 /* render_remove_command x3 */
    1, 1, 1, 1,                                                                 /* validate x4 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,                                         /* validate garbage x12 */
    3,                                                                          /* render x1 */
    4, 4, 4, 4, 4, 4, 4, 4,                                                     /* parse_plist x8 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,                                         /* verify_client_token x12 */
    6,                                                                          /* resolve x1 */
    7,                                                                          /* validate_set x1 */
};

static int same(const acmepolicy_buffer *a, const acmepolicy_buffer *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void *worker(void *arg) {
    unsigned seed = (unsigned)(size_t)arg * 2654435761u + 1u;
    long mismatches = 0;
    int i;
    for (i = 0; i < CALLS_PER_THREAD; ++i) {
        acmepolicy_buffer json = {NULL, 0}, bytes = {NULL, 0};
        int kind;
        acmepolicy_status status;
        seed = seed * 1103515245u + 12345u;
        kind = mix[(seed >> 16) % (sizeof mix / sizeof mix[0])];
        status = call(kind, &json, &bytes);
        if (status != expected_status[kind] || !same(&json, &expected_json[kind]) ||
            !same(&bytes, &expected_bytes[kind]))
            ++mismatches;
        if (i % 97 == 0) (void)acmepolicy_status_string(status);
        acmepolicy_free(&json);
        acmepolicy_free(&bytes);
    }
    return (void *)mismatches;
}

int main(int argc, char **argv) {
    pthread_t threads[THREADS];
    long mismatches = 0;
    int k;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    policy = read_file(argv[1], "policy-valid.json");
    policies = read_file(argv[1], "policies.json");
    inventory = read_file(argv[1], "inventory.json");
    checkin = read_file(argv[1], "checkin-authenticate.plist");

    for (k = 0; k < KINDS; ++k) {
        expected_status[k] = call(k, &expected_json[k], &expected_bytes[k]);
        if (expected_status[k] == ACMEPOLICY_INTERNAL_ERROR || expected_status[k] == ACMEPOLICY_OUT_OF_MEMORY ||
            expected_json[k].data == NULL) {
            fprintf(stderr, "call kind %d failed before the stress: %s\n", k,
                    acmepolicy_status_string(expected_status[k]));
            return 1;
        }
    }
    for (k = 0; k < THREADS; ++k) {
        if (pthread_create(&threads[k], NULL, worker, (void *)(size_t)k) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (k = 0; k < THREADS; ++k) {
        void *result = NULL;
        pthread_join(threads[k], &result);
        mismatches += (long)result;
    }
    for (k = 0; k < KINDS; ++k) {
        acmepolicy_free(&expected_json[k]);
        acmepolicy_free(&expected_bytes[k]);
    }
    free(policy.data);
    free(policies.data);
    free(inventory.data);
    free(checkin.data);
    if (mismatches) {
        fprintf(stderr, "%ld answers differed from the single-threaded ones\n", mismatches);
        return 1;
    }
    printf("c_abi tsan: %d threads x %d calls, all answers identical\n", THREADS, CALLS_PER_THREAD);
    return 0;
}
