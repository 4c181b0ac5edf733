// Stand-in values for variables, so a templated value ("{{serial_number}}@example.com") can be checked
// for syntax before any device is known.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acmepolicy::validation {

/// The text with each variable replaced by a syntactically neutral sample ("x1", or an e-mail address for
/// user_email); nullopt when the braces do not balance (the variable rule reports that).
std::optional<std::string> with_placeholders(std::string_view text);

}  // namespace acmepolicy::validation
