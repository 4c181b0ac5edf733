// A JSON pointer kept as a chain of links on the walker's stack: walking a document costs nothing per
// node, and the pointer's text is built only when a finding needs it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace acmepolicy::validation {

/// One reference token below `parent` (nullptr: the document root): an object key or an array index.
struct PathLink {
    PathLink(const PathLink* parent_link, std::string_view member_key) noexcept
        : parent(parent_link), key(member_key), is_index(false) {}
    PathLink(const PathLink* parent_link, std::size_t element_index) noexcept
        : parent(parent_link), index(element_index), is_index(true) {}

    const PathLink* parent;
    std::string_view key;
    std::size_t index = 0;
    bool is_index;
};

/// The RFC 6901 pointer of `link` ("" for the root), '~' and '/' escaped.
std::string path_of(const PathLink* link);

}  // namespace acmepolicy::validation
