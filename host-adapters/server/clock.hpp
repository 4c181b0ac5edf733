// The server's one wall clock. Builds with tests compiled in (ACMEPOLICY_BUILD_TESTS) let a test move it:
// the environment variable ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS, read once at start, is added to the
// system time, so a test can see a CA certificate expire after a profile was installed. Builds without
// tests never read it.
#pragma once

#include <cstdint>

namespace acmepolicy::server {

/// Unix time in milliseconds (moved by the test offset where that exists).
std::int64_t clock_now_ms();

}  // namespace acmepolicy::server
