// The SQLite engine of the store: WAL journal, foreign keys on, full fsync on commit (events are durable
// before the webhook is answered; Store::redoable_transaction relaxes it for writes that are redone), a
// busy timeout so two processes on one file wait instead of failing.
#include <cstring>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "server/db.hpp"

namespace acmepolicy::server {

const std::string& Row::text(std::size_t i) const {
    static const std::string empty;
    const auto& c = columns.at(i);
    return c ? *c : empty;
}

std::int64_t Row::integer(std::size_t i) const {
    const auto& c = columns.at(i);
    if (!c || c->empty()) return 0;
    try {
        return std::stoll(*c);
    } catch (...) {
        return 0;
    }
}

namespace {

/// "$12" → "?12" outside string literals, so one SQL text serves both engines.
std::string to_sqlite_params(const std::string& sql) {
    std::string out;
    out.reserve(sql.size());
    bool in_string = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '\'') in_string = !in_string;
        if (!in_string && c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') c = '?';
        out += c;
    }
    return out;
}

class SqliteDb final : public Db {
public:
    explicit SqliteDb(const std::string& path) {
        int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw DbError("cannot open SQLite database " + path + ": " + message, false);
        }
        sqlite3_busy_timeout(db_, 10000);
        script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;");
    }
    ~SqliteDb() override {
        for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
        if (db_) sqlite3_close_v2(db_);
    }
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    Dialect dialect() const override { return Dialect::sqlite; }

    std::vector<Row> query(const std::string& sql, const std::vector<SqlValue>& params) override {
        sqlite3_stmt* stmt = prepared(sql);
        // Back to its initial state whatever happens below, ready for the next use from the cache.
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{stmt};
        for (std::size_t i = 0; i < params.size(); ++i) {
            int index = static_cast<int>(i + 1);
            int rc = SQLITE_OK;
            if (std::holds_alternative<std::nullptr_t>(params[i])) rc = sqlite3_bind_null(stmt, index);
            else if (auto* n = std::get_if<std::int64_t>(&params[i])) rc = sqlite3_bind_int64(stmt, index, *n);
            else {
                const auto& s = std::get<std::string>(params[i]);
                rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            }
            if (rc != SQLITE_OK) fail("bind");
        }
        std::vector<Row> rows;
        for (;;) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail("step");
            Row row;
            int n = sqlite3_column_count(stmt);
            row.columns.reserve(static_cast<std::size_t>(n));
            for (int c = 0; c < n; ++c) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    row.columns.emplace_back(std::nullopt);
                } else {
                    auto* bytes = sqlite3_column_text(stmt, c);
                    int size = sqlite3_column_bytes(stmt, c);
                    row.columns.emplace_back(std::string(reinterpret_cast<const char*>(bytes),
                                                         static_cast<std::size_t>(size)));
                }
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    void script(const std::string& sql) override {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            int code = sqlite3_extended_errcode(db_);
            throw DbError("SQLite: " + text, is_conflict(code), (code & 0xff) == SQLITE_BUSY);
        }
    }

private:
    /// The prepared statement of `sql`, made once per connection: the server runs a few dozen distinct SQL
    /// texts over and over, and preparing was a third of the cost of a fleet-wide edit. Statements whose
    /// text is built per call (IN lists, LIMIT n) are few and bounded, so the cache stays small.
    sqlite3_stmt* prepared(const std::string& sql) {
        auto it = statements_.find(sql);
        if (it != statements_.end()) return it->second;
        sqlite3_stmt* stmt = nullptr;
        const std::string text = to_sqlite_params(sql);
        if (sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                               nullptr) != SQLITE_OK) {
            sqlite3_finalize(stmt);
            fail("prepare");
        }
        if (statements_.size() >= kMaxStatements) {
            for (auto& [old_sql, old] : statements_) sqlite3_finalize(old);
            statements_.clear();
        }
        statements_.emplace(sql, stmt);
        return stmt;
    }
    static constexpr std::size_t kMaxStatements = 256;

    static bool is_conflict(int code) {
        return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY;
    }
    [[noreturn]] void fail(const char* step) {
        int code = sqlite3_extended_errcode(db_);
        throw DbError(std::string("SQLite ") + step + ": " + sqlite3_errmsg(db_), is_conflict(code),
                      (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED);
    }
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::string& path) { return std::make_unique<SqliteDb>(path); }

#ifndef ACMEPOLICY_WITH_POSTGRES
std::unique_ptr<Db> open_postgres(const std::string&) {
    throw DbError("this build has no PostgreSQL support (libpq was not found at build time)", false);
}
#endif

}  // namespace acmepolicy::server
