// "Did you mean" suggestions: the closest known spelling of a mistyped key, name or variable.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acmepolicy::validation {

/// Levenshtein distance between two byte strings (ASCII case-sensitive).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// A wrong spelling (compared ignoring ASCII case) and the right one.
struct Alias {
    std::string_view wrong;
    std::string_view right;
};

/// A list of aliases: a constant array (the rules' tables are constexpr, so they cost no start-up code).
class Aliases {
public:
    Aliases() = default;
    template <std::size_t N>
    constexpr Aliases(const Alias (&list)[N]) noexcept : data_(list), size_(N) {}
    const Alias* begin() const noexcept { return data_; }
    const Alias* end() const noexcept { return data_ + size_; }

private:
    const Alias* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A list of names: the strings of a vector, or a constant array of views.
class Names {
public:
    Names(const std::vector<std::string>& list) noexcept : strings_(list.data()), size_(list.size()) {}
    template <std::size_t N>
    constexpr Names(const std::string_view (&list)[N]) noexcept : views_(list), size_(N) {}
    std::size_t size() const noexcept { return size_; }
    std::string_view operator[](std::size_t i) const noexcept {
        return views_ ? views_[i] : std::string_view(strings_[i]);
    }

private:
    const std::string* strings_ = nullptr;
    const std::string_view* views_ = nullptr;
    std::size_t size_ = 0;
};

/// The candidate the user most likely meant: first a known alias (`aliases` maps a wrong spelling,
/// compared ignoring ASCII case, to the right one), then a case-insensitive match, then the closest by
/// edit distance (ignoring case) when close enough (at most a third of the word's length, minimum 2).
/// nullopt when nothing is close.
std::optional<std::string> suggest(std::string_view word, Names candidates, Aliases aliases = {});

/// " Did you mean \"X\"?" or "" (for appending to a message).
std::string did_you_mean(const std::optional<std::string>& suggestion);

}  // namespace acmepolicy::validation
