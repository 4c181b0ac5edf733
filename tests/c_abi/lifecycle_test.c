/* Pure-C test of the certificate lifecycle entry points: NULL and garbage inputs, the input caps,
 * ownership of the out-buffer, and one real document each (a CertificateList answer, a status, a plan).
 *
 * usage: c_abi_lifecycle DATA_DIR   (tests/c_abi/data)
 */
#include <acmepolicy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"

static int failures;

#define CHECK(cond, what)                                                                      \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            ++failures;                                                                        \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, what, #cond); \
        }                                                                                      \
    } while (0)

static int contains(const acmepolicy_buffer *b, const char *needle) {
    return b->data != NULL && strstr(b->data, needle) != NULL;
}

static int is_json_object(const acmepolicy_buffer *b) {
    return b->data != NULL && b->len > 1 && strlen(b->data) == b->len && b->data[0] == '{' &&
           b->data[b->len - 1] == '}';
}

static const char now[] = "{\"now\":\"2026-11-28T12:00:00Z\"}";
#define NOW now, sizeof now - 1

static void test_hostile(void) {
    static const char garbage[] = "\x00{\"a\":\xff\xfe[[[[\"\x01\x02<plist><dict><key>";
    acmepolicy_buffer json = {NULL, 0};
    acmepolicy_status s;

    s = acmepolicy_parse_certificate_list(garbage, sizeof garbage - 1, NULL, 0, NULL);
    CHECK(s == ACMEPOLICY_NULL_ARGUMENT, "parse_certificate_list without out_json");
    s = acmepolicy_parse_certificate_list(NULL, 5, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_NULL_ARGUMENT && contains(&json, "plist"), "parse_certificate_list NULL plist");
    acmepolicy_free(&json);
    s = acmepolicy_parse_certificate_list(garbage, sizeof garbage - 1, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && is_json_object(&json), "parse_certificate_list garbage");
    acmepolicy_free(&json);
    s = acmepolicy_parse_certificate_list(NULL, 0, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && is_json_object(&json), "parse_certificate_list empty");
    acmepolicy_free(&json);

    s = acmepolicy_certificate_status(garbage, sizeof garbage - 1, garbage, sizeof garbage - 1, NOW, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && is_json_object(&json), "certificate_status garbage");
    acmepolicy_free(&json);
    s = acmepolicy_certificate_status(NULL, 0, NULL, 0, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS && contains(&json, "options.now"), "certificate_status without now");
    acmepolicy_free(&json);
    s = acmepolicy_certificate_status("{}", 2, NULL, 3, NOW, &json);
    CHECK(s == ACMEPOLICY_NULL_ARGUMENT && contains(&json, "entry_json"), "certificate_status NULL entry");
    acmepolicy_free(&json);

    s = acmepolicy_plan_renewals(garbage, sizeof garbage - 1, garbage, sizeof garbage - 1, NOW, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && is_json_object(&json), "plan_renewals garbage");
    acmepolicy_free(&json);
    s = acmepolicy_plan_renewals(NULL, 0, NULL, 0, garbage, sizeof garbage - 1, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS && is_json_object(&json), "plan_renewals garbage options");
    acmepolicy_free(&json);
}

static void test_caps(void) {
    const size_t size = ACMEPOLICY_MAX_CERTIFICATE_LIST_BYTES + 1;
    const size_t document = ACMEPOLICY_MAX_DOCUMENT_BYTES + 1;
    char *big = malloc(document);
    acmepolicy_buffer json = {NULL, 0};
    acmepolicy_status s;
    if (!big) {
        CHECK(0, "malloc");
        return;
    }
    memset(big, ' ', document);
    s = acmepolicy_parse_certificate_list(big, size, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS && contains(&json, "argument.too_large") && contains(&json, "plist"),
          "plist over the cap");
    acmepolicy_free(&json);
    s = acmepolicy_certificate_status(big, document, "{}", 2, NOW, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS && contains(&json, "policy_json"), "policy over the cap");
    acmepolicy_free(&json);
    s = acmepolicy_plan_renewals("{}", 2, "[]", 2, big, ACMEPOLICY_MAX_OPTIONS_BYTES + 1, &json);
    CHECK(s == ACMEPOLICY_BAD_ARGUMENTS && contains(&json, "options_json"), "options over the cap");
    acmepolicy_free(&json);
    /* Exactly at the cap is read (and is simply not a plist). */
    s = acmepolicy_parse_certificate_list(big, size - 1, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_INVALID_INPUT && !contains(&json, "argument.too_large"), "plist at the cap");
    acmepolicy_free(&json);
    free(big);
}

static void test_documents(const char *dir) {
    text answer = read_file(dir, "certificate-list.plist");
    text policy = read_file(dir, "policy-lifecycle.json");
    text inventory = read_file(dir, "certificate-inventory.json");
    static const char entry[] = "{\"device\":{\"id\":\"d-0400\",\"serial_number\":\"G5KXK4HIJKLM\"},\"certificates\":[]}";
    char *policies = malloc(policy.len + 3);
    acmepolicy_buffer json = {NULL, 0};
    acmepolicy_status s;

    s = acmepolicy_parse_certificate_list(answer.data, answer.len, NULL, 0, &json);
    CHECK(s == ACMEPOLICY_OK && is_json_object(&json), "parse_certificate_list");
    CHECK(contains(&json, "\"serial\":\"1002\"") && contains(&json, "\"not_after\":\"2026-12-05T00:00:00Z\""),
          "parse_certificate_list fields");
    CHECK(contains(&json, "\"is_identity\":false"), "parse_certificate_list CA entry");
    acmepolicy_free(&json);
    acmepolicy_free(&json); /* idempotent */

    s = acmepolicy_certificate_status(policy.data, policy.len, entry, sizeof entry - 1, NOW, &json);
    CHECK(s == ACMEPOLICY_OK && contains(&json, "\"state\":\"missing\""), "certificate_status");
    acmepolicy_free(&json);

    if (policies) {
        policies[0] = '[';
        memcpy(policies + 1, policy.data, policy.len);
        policies[policy.len + 1] = ']';
        policies[policy.len + 2] = '\0';
        s = acmepolicy_plan_renewals(inventory.data, inventory.len, policies, policy.len + 2, NOW, &json);
        CHECK(s == ACMEPOLICY_OK && is_json_object(&json), "plan_renewals");
        CHECK(contains(&json, "\"device\":\"d-0042\"") && contains(&json, "\"state\":\"due\"") &&
                  contains(&json, "\"state\":\"expired\"") && contains(&json, "\"per_day\""),
              "plan_renewals content");
        acmepolicy_free(&json);
    }
    free(policies);
    free(answer.data);
    free(policy.data);
    free(inventory.data);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    test_hostile();
    test_caps();
    test_documents(argv[1]);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("c_abi lifecycle: all checks passed\n");
    return 0;
}
