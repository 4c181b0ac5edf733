// "Did you mean" suggestions (see suggest.hpp).
#include "validation/suggest.hpp"

#include <algorithm>

#include "validation/text.hpp"

namespace acmepolicy::validation {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> suggest(std::string_view word, Names candidates, Aliases aliases) {
    for (const Alias& alias : aliases)
        if (iequals(word, alias.wrong)) return std::string(alias.right);
    for (std::size_t i = 0; i < candidates.size(); ++i)
        if (iequals(word, candidates[i])) return std::string(candidates[i]);
    // Long inputs cannot be close to our short names; skip the quadratic work.
    if (word.size() > 64) return std::nullopt;
    const std::string lower = ascii_lower(word);
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::size_t distance = edit_distance(lower, ascii_lower(candidates[i]));
        if (distance < best_distance) {
            best_distance = distance;
            best = std::string(candidates[i]);
        }
    }
    return best;
}

std::string did_you_mean(const std::optional<std::string>& suggestion) {
    return suggestion ? " Did you mean \"" + *suggestion + "\"?" : std::string();
}

}  // namespace acmepolicy::validation
