// Scoped API tokens: creation, listing, revocation and checking (see tokens.hpp).
#include "server/tokens.hpp"

#include "acmepolicy/crypto.hpp"
#include "server/log.hpp"

namespace acmepolicy::server {

namespace {

constexpr const char* kPrefix = "acmp_";

std::string hash_of(const std::string& token) { return crypto::to_hex(crypto::sha256(token)); }

ApiToken to_token(const Row& r) { return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)}; }

}  // namespace

const std::vector<std::string>& token_scopes() {
    static const std::vector<std::string> scopes = {"admin", "read-only", "acme-server"};
    return scopes;
}

std::pair<ApiToken, std::string> create_token(Store& store, const std::string& scope, const std::string& name) {
    const std::string id = crypto::to_hex(reinterpret_cast<const std::uint8_t*>(random_bytes(6).data()), 6);
    const std::string token = kPrefix + id + "_" + crypto::base64url_encode(random_bytes(32));
    ApiToken row{id, name, scope, now_rfc3339(), ""};
    store.transaction([&](Db& db) {
        db.query("INSERT INTO api_tokens (id, name, scope, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                 {row.id, row.name, row.scope, hash_of(token), row.created_at});
    });
    return {row, token};
}

std::vector<ApiToken> list_tokens(Store& store) {
    return store.transaction([&](Db& db) {
        std::vector<ApiToken> out;
        for (const auto& r : db.query("SELECT id, name, scope, created_at, COALESCE(revoked_at, '') FROM api_tokens "
                                      "ORDER BY created_at, id"))
            out.push_back(to_token(r));
        return out;
    });
}

bool revoke_token(Store& store, const std::string& id) {
    return store.transaction([&](Db& db) {
        return !db.query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
                         {id, now_rfc3339()})
                    .empty();
    });
}

std::optional<std::string> token_scope(Store& store, const std::string& token) {
    auto found = token_identity(store, token);
    if (!found) return std::nullopt;
    return found->scope;
}

std::optional<ApiToken> token_identity(Store& store, const std::string& token) {
    if (token.rfind(kPrefix, 0) != 0 || token.size() > 200) return std::nullopt;
    const auto underscore = token.find('_', std::char_traits<char>::length(kPrefix));
    if (underscore == std::string::npos) return std::nullopt;
    const std::string id = token.substr(5, underscore - 5);
    auto rows = store.read_transaction([&](Db& db) {
        return db.query("SELECT id, name, scope, created_at, token_hash FROM api_tokens "
                        "WHERE id = $1 AND revoked_at IS NULL", {id});
    });
    if (rows.empty() || !crypto::constant_time_equal(hash_of(token), rows[0].text(4))) return std::nullopt;
    return ApiToken{rows[0].text(0), rows[0].text(1), rows[0].text(2), rows[0].text(3), ""};
}

bool scope_allows(const std::string& scope, const std::string& method, const std::string& path) {
    if (scope == "admin") return true;
    if (scope == "read-only") return method == "GET" || method == "HEAD";
    if (scope == "acme-server") return method == "POST" && path == "/api/v1/client-tokens/verify";
    return false;
}

}  // namespace acmepolicy::server
