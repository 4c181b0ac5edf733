/* Whole-file reading for the C ABI tests (smoke_test.c and tsan/stress.c). */
#ifndef ACMEPOLICY_TESTS_C_ABI_READ_FILE_H
#define ACMEPOLICY_TESTS_C_ABI_READ_FILE_H

#include <stdio.h>
#include <stdlib.h>

typedef struct text {
    char *data;
    size_t len;
} text;

/* The bytes of dir/name, NUL-terminated; exits with status 2 when the file cannot be opened or read. */
static text read_file(const char *dir, const char *name) {
    char path[4096];
    text t = {NULL, 0};
    FILE *f;
    long size;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    t.data = malloc((size_t)size + 1);
    if (!t.data || fread(t.data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    t.data[size] = '\0';
    t.len = (size_t)size;
    fclose(f);
    return t;
}

#endif
