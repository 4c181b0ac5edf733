// `acmepolicy token create|list|revoke`: scoped bearer tokens for the server's REST API, written straight
// into the server's database (see docs/server.md, "Tokens"). Built only with the server.
#if __has_include("server/tokens.hpp")
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "command.hpp"
#include "server/store.hpp"
#include "server/tokens.hpp"

namespace {

using acmepolicy::cli::kExitOk;
using acmepolicy::cli::kExitUsage;
using acmepolicy::options::ArgScanner;

void print_help(std::ostream& out) {
    out << "usage: acmepolicy token create --scope admin|read-only|acme-server [--name NAME] [--database URL]\n"
           "       acmepolicy token list [--database URL]\n"
           "       acmepolicy token revoke ID [--database URL]\n\n"
           "Manages scoped bearer tokens of `acmepolicy serve` (stored hashed; a new token is printed once).\n"
           "  admin        every /api/v1 request\n"
           "  read-only    GET requests only\n"
           "  acme-server  POST /api/v1/client-tokens/verify only\n"
           "--database defaults to $ACMEPOLICY_DATABASE, else sqlite:./acmepolicy.db (as `serve`).\n"
           "Output is JSON. Exit codes: 0 ok, 1 no such token (revoke), 2 usage or database error.\n";
}

int run_token(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        print_help(args.empty() ? err : out);
        return args.empty() ? kExitUsage : kExitOk;
    }
    const std::string action = args[0];
    std::string scope, name, database, id;
    if (const char* env = std::getenv("ACMEPOLICY_DATABASE")) database = env;
    if (database.empty()) database = "sqlite:./acmepolicy.db";
    ArgScanner scanner(std::vector<std::string>(args.begin() + 1, args.end()), "acmepolicy token", " (see --help)");
    if (!scanner.scan({"--scope", "--name", "--database"}, {}, err)) return kExitUsage;
    scope = scanner.value("--scope").value_or("");
    name = scanner.value("--name").value_or("");
    database = scanner.value("--database").value_or(database);
    for (const auto& arg : scanner.positional()) {
        if (action == "revoke" && id.empty()) {
            id = arg;
            continue;
        }
        err << "acmepolicy token: unexpected argument '" << arg << "' (see --help)\n";
        return kExitUsage;
    }
    if (database.rfind("sqlite:", 0) != 0 && database.rfind("postgresql://", 0) != 0 &&
        database.rfind("postgres://", 0) != 0) {
        err << "acmepolicy token: --database '" << database << "' must start with sqlite: or postgresql://\n";
        return kExitUsage;
    }
    try {
        if (action == "create") {
            bool known = false;
            for (const auto& s : acmepolicy::server::token_scopes()) known = known || s == scope;
            if (!known) {
                err << "acmepolicy token: --scope must be admin, read-only or acme-server\n";
                return kExitUsage;
            }
            auto store = acmepolicy::server::Store::open(database);
            auto [row, token] = acmepolicy::server::create_token(*store, scope, name);
            out << nlohmann::json{{"id", row.id}, {"name", row.name}, {"scope", row.scope},
                                  {"created_at", row.created_at}, {"token", token}}
                       .dump(2)
                << "\n";
            return kExitOk;
        }
        if (action == "list") {
            auto store = acmepolicy::server::Store::open(database);
            nlohmann::json list = nlohmann::json::array();
            for (const auto& t : acmepolicy::server::list_tokens(*store))
                list.push_back({{"id", t.id}, {"name", t.name}, {"scope", t.scope}, {"created_at", t.created_at},
                                {"revoked_at", t.revoked_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.revoked_at)}});
            out << nlohmann::json{{"tokens", list}}.dump(2) << "\n";
            return kExitOk;
        }
        if (action == "revoke") {
            if (id.empty()) {
                err << "acmepolicy token: revoke needs the token's ID (see `acmepolicy token list`)\n";
                return kExitUsage;
            }
            auto store = acmepolicy::server::Store::open(database);
            if (!acmepolicy::server::revoke_token(*store, id)) {
                err << "acmepolicy token: no valid token has id " << id << "\n";
                return acmepolicy::cli::kExitFindings;
            }
            out << nlohmann::json{{"revoked", id}}.dump(2) << "\n";
            return kExitOk;
        }
    } catch (const std::exception& e) {
        err << "acmepolicy token: " << e.what() << "\n";
        return kExitUsage;
    }
    err << "acmepolicy token: unknown action '" << action << "' (create, list or revoke)\n";
    return kExitUsage;
}

}  // namespace

ACMEPOLICY_CLI_COMMAND("token", "Create, list and revoke scoped API tokens of the server", run_token);
#endif
