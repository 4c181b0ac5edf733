// The byte scans of the validation reader (document.cpp), a block at a time: string bodies and runs of
// spaces. Three versions that give the same answers: one byte at a time (the reference, and the tail of
// the others), eight bytes in a 64-bit word (SWAR: what a WebAssembly build, whose memchr is a byte loop,
// runs fast), and sixteen bytes with SSE2 where the compiler has it. tests/validation/test_reader_scan.cpp
// holds them to one another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace acmepolicy::validation::scan {

// The multi-byte scans: inlined into the reader's loops natively; kept out of line in the WebAssembly
// build, whose module size is budgeted (a call there costs less than a copy at every call site).
#if defined(__wasm__)
#define ACMEPOLICY_SCAN inline __attribute__((noinline))
#else
#define ACMEPOLICY_SCAN inline
#endif

/// Whether a byte ends a plain run of string: a quote, a backslash, a control character, or (while the
/// string is still plain ASCII: `stop_high`) a byte above 0x7F.
inline bool ends_run(unsigned char c, bool stop_high) noexcept {
    return c == '"' || c == '\\' || c < 0x20 || (stop_high && c >= 0x80);
}

/// The first byte from `p` that ends a plain run of string (see ends_run), or `end`; `braces` is set when a
/// '{' or '}' comes before it (it is never cleared).
inline const char* string_run_bytes(const char* p, const char* end, bool stop_high, bool& braces) noexcept {
    for (; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (ends_run(c, stop_high)) return p;
        if (c == '{' || c == '}') braces = true;
    }
    return end;
}

/// The first byte from `p` that is not a space (0x20), or `end`.
inline const char* space_run_bytes(const char* p, const char* end) noexcept {
    while (p != end && *p == ' ') ++p;
    return p;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
// Words are loaded little-endian: the first byte is the lowest, so the lowest set bit of a mask names the
// first byte that matched.
constexpr bool kWords = true;
#else
constexpr bool kWords = false;
#endif

namespace word {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t load(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

// The high bit of every byte of `w` that is zero. The lowest set bit is exact: a borrow may set bits above
// a zero byte, never below one, and the scans only ever look at the lowest (or ask whether any is set
// below an exact position).
inline std::uint64_t zeros(std::uint64_t w) noexcept { return (w - kOnes) & ~w & kHighs; }
inline std::uint64_t equal(std::uint64_t w, unsigned char c) noexcept { return zeros(w ^ (kOnes * c)); }

inline std::size_t first(std::uint64_t mask) noexcept { return static_cast<std::size_t>(__builtin_ctzll(mask)) >> 3; }

}  // namespace word

/// string_run_bytes, eight bytes at a time.
ACMEPOLICY_SCAN const char* string_run_words(const char* p, const char* end, bool stop_high, bool& braces) noexcept {
    using namespace word;
    if (kWords) {
        const std::uint64_t high = stop_high ? kHighs : 0;
        std::uint64_t seen = 0;  // brace bytes of the words passed
        for (; end - p >= 8; p += 8) {
            const std::uint64_t w = load(p);
            // Below 0x20: the subtraction borrows out of the byte, and the byte had no high bit.
            const std::uint64_t stops =
                equal(w, '"') | equal(w, '\\') | ((w - kOnes * 0x20) & ~w & kHighs) | (w & high);
            const std::uint64_t brace = equal(w, '{') | equal(w, '}');
            if (stops != 0) {
                // Braces before the stop only: the bits below the stop's (exact) lowest bit.
                if ((seen | (brace & ((stops & (~stops + 1)) - 1))) != 0) braces = true;
                return p + first(stops);
            }
            seen |= brace;
        }
        if (seen != 0) braces = true;
    }
    return string_run_bytes(p, end, stop_high, braces);
}

/// space_run_bytes, eight bytes at a time.
ACMEPOLICY_SCAN const char* space_run_words(const char* p, const char* end) noexcept {
    using namespace word;
    if (kWords) {
        for (; end - p >= 8; p += 8) {
            const std::uint64_t other = load(p) ^ (kOnes * ' ');  // exact: no borrow
            if (other != 0) return p + first(other);
        }
    }
    return space_run_bytes(p, end);
}

/// The first '{' or '}' from `p`, or `end` (where a template's variables may start or end).
inline const char* brace_bytes(const char* p, const char* end) noexcept {
    while (p != end && *p != '{' && *p != '}') ++p;
    return p;
}

/// brace_bytes, eight bytes at a time.
ACMEPOLICY_SCAN const char* brace_words(const char* p, const char* end) noexcept {
    using namespace word;
    if (kWords) {
        for (; end - p >= 8; p += 8) {
            const std::uint64_t w = load(p);
            const std::uint64_t brace = equal(w, '{') | equal(w, '}');
            if (brace != 0) return p + first(brace);
        }
    }
    return brace_bytes(p, end);
}

/// Whether `text` holds a byte below 0x21 (white space, controls) or DEL, eight bytes at a time.
ACMEPOLICY_SCAN bool has_space_or_control(std::string_view text) noexcept {
    using namespace word;
    const char* p = text.data();
    const char* const end = p + text.size();
    for (; end - p >= 8; p += 8) {
        const std::uint64_t w = load(p);
        // Below 0x21: the subtraction borrows out of a byte that had no high bit (any order of bytes).
        if ((((w - kOnes * 0x21) & ~w & kHighs) | equal(w, 0x7F)) != 0) return true;
    }
    for (; p != end; ++p)
        if (static_cast<unsigned char>(*p) <= 0x20 || *p == 0x7F) return true;
    return false;
}

/// Whether `a` and `b` hold the same `n` bytes: words compared in place (overlapping at the end), for
/// the short keys and names of a policy, where a call to memcmp costs more than the comparison.
ACMEPOLICY_SCAN bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (word::load(a + i) != word::load(b + i)) return false;
        return word::load(a + n - 8) == word::load(b + n - 8);
    }
    if (n >= 4) {
        std::uint32_t x, y, u, v;
        std::memcpy(&x, a, 4);
        std::memcpy(&y, b, 4);
        std::memcpy(&u, a + n - 4, 4);
        std::memcpy(&v, b + n - 4, 4);
        return x == y && u == v;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

inline bool same_text(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

#if defined(__SSE2__)

/// string_run_bytes, sixteen bytes at a time (then eight).
inline const char* string_run_sse2(const char* p, const char* end, bool stop_high, bool& braces) noexcept {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i below_space = _mm_set1_epi8(0x1F);
    const __m128i zero = _mm_setzero_si128();
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    const unsigned high = stop_high ? 0xFFFFU : 0U;
    unsigned seen = 0;
    for (; end - p >= 16; p += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i control = _mm_cmpeq_epi8(_mm_subs_epu8(v, below_space), zero);  // unsigned <= 0x1F
        const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), control);
        const unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(stop)) | (static_cast<unsigned>(_mm_movemask_epi8(v)) & high);
        const unsigned brace =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close))));
        if (stops != 0) {
            if ((seen | (brace & ((stops & (~stops + 1)) - 1))) != 0) braces = true;
            return p + __builtin_ctz(stops);
        }
        seen |= brace;
    }
    if (seen != 0) braces = true;
    return string_run_words(p, end, stop_high, braces);
}

/// space_run_bytes, sixteen bytes at a time (then eight).
inline const char* space_run_sse2(const char* p, const char* end) noexcept {
    const __m128i space = _mm_set1_epi8(' ');
    for (; end - p >= 16; p += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const unsigned other = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) ^ 0xFFFFU;
        if (other != 0) return p + __builtin_ctz(other);
    }
    return space_run_words(p, end);
}

#endif

/// The fastest of the versions this build has.
inline const char* string_run(const char* p, const char* end, bool stop_high, bool& braces) noexcept {
#if defined(__SSE2__)
    return string_run_sse2(p, end, stop_high, braces);
#else
    return string_run_words(p, end, stop_high, braces);
#endif
}

inline const char* space_run(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    return space_run_sse2(p, end);
#else
    return space_run_words(p, end);
#endif
}

}  // namespace acmepolicy::validation::scan
