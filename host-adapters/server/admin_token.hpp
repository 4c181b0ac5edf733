// The admin token file: read at start-up, or created (0600) with a fresh random token.
#pragma once

#include <string>

namespace acmepolicy::server {

/// Reads the admin token from `path` (trailing newline and spaces dropped), or creates the file with mode
/// 0600 and a fresh 256-bit random token (base64url). Throws std::runtime_error, with a sentence naming the
/// file, when the file is empty or cannot be written.
std::string load_or_create_token(const std::string& path);

}  // namespace acmepolicy::server
