// Scoped bearer tokens for /api/v1, kept in the store as SHA-256 hashes (the token itself is shown once,
// when created). Scopes:
//   admin        everything (the admin token file is an admin token too)
//   read-only    GET (and HEAD) requests only
//   acme-server  POST /api/v1/client-tokens/verify only, for ACME servers that check client tokens
// Tokens look like "acmp_<id>_<secret>": the id finds the row, the hash of the whole token must match.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/store.hpp"

namespace acmepolicy::server {

struct ApiToken {
    std::string id, name, scope, created_at, revoked_at;  // revoked_at "" while valid
};

/// The scopes a token can have.
const std::vector<std::string>& token_scopes();

/// Creates a token with `scope` (one of token_scopes()) and returns {row, the token text}.
std::pair<ApiToken, std::string> create_token(Store& store, const std::string& scope, const std::string& name);
std::vector<ApiToken> list_tokens(Store& store);
/// Marks the token revoked; false when no token has this id.
bool revoke_token(Store& store, const std::string& id);
/// The scope of a valid (known, not revoked) token, compared by hash in constant time.
std::optional<std::string> token_scope(Store& store, const std::string& token);

/// The row of a valid token (for its name and scope), compared by hash in constant time.
std::optional<ApiToken> token_identity(Store& store, const std::string& token);

/// Whether `scope` may make this request (method and raw path).
bool scope_allows(const std::string& scope, const std::string& method, const std::string& path);

}  // namespace acmepolicy::server
