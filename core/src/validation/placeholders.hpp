// Stand-in values for variables, so a templated value ("{{serial_number}}@example.com") can be checked
// for syntax before any device is known.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "validation/scan.hpp"

namespace acmepolicy::validation {

/// Walks `text` as parse_template reads it, without building the parse: literal(run) for each run of
/// literal text (a string_view into `text`, never empty) before a variable and at the end, variable(name)
/// for each variable (name without the spaces around it). False at the first error parse_template would
/// report (nothing more is called then). One pass, from brace to brace a word at a time.
template <typename Literal, typename Variable>
bool scan_template(std::string_view text, Literal&& literal, Variable&& variable) {
    const char* p = text.data();
    const std::size_t n = text.size();
    std::size_t run = 0;  // where the current literal run starts
    std::size_t i = 0;
    while (true) {
        i = static_cast<std::size_t>(scan::brace_words(p + i, p + n) - p);
        if (i + 1 >= n) break;
        const char c = p[i];
        if (p[i + 1] != c) {
            ++i;
            continue;
        }
        if (c == '}') return false;  // "}}" before any "{{"
        if (i > run) literal(std::string_view(p + run, i - run));
        // The first "{{" or "}}" after this "{{" must be its "}}".
        std::size_t close = i + 2;
        while (true) {
            close = static_cast<std::size_t>(scan::brace_words(p + close, p + n) - p);
            if (close + 1 >= n) return false;  // no "}}"
            if (p[close + 1] == p[close]) break;
            ++close;
        }
        if (p[close] == '{') return false;
        std::size_t first = i + 2;
        std::size_t last = close;
        while (first < last && p[first] == ' ') ++first;
        while (last > first && p[last - 1] == ' ') --last;
        if (first == last) return false;
        variable(std::string_view(p + first, last - first));
        i = close + 2;
        run = i;
    }
    if (n > run) literal(std::string_view(p + run, n - run));
    return true;
}

/// The text with each variable replaced by a syntactically neutral sample ("x1", or an e-mail address for
/// user_email), without a copy when there is nothing to replace: `out` is `text` itself, or the
/// substituted text kept in `buffer`; false when the braces do not balance (the variable rule reports that).
bool with_placeholders(std::string_view text, std::string& buffer, std::string_view& out);

}  // namespace acmepolicy::validation
