// "Did you mean" suggestions: the closest known spelling of a mistyped key, name or variable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acmepolicy::validation {

/// Levenshtein distance between two byte strings (ASCII case-sensitive).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate the user most likely meant: first a known alias (`aliases` maps a wrong spelling,
/// compared ignoring ASCII case, to the right one), then a case-insensitive match, then the closest by
/// edit distance (ignoring case) when close enough (at most a third of the word's length, minimum 2).
/// nullopt when nothing is close.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates,
                                   const std::vector<std::pair<std::string, std::string>>& aliases = {});

/// " Did you mean \"X\"?" or "" (for appending to a message).
std::string did_you_mean(const std::optional<std::string>& suggestion);

}  // namespace acmepolicy::validation
