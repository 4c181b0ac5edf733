// A small SQL connection interface with two engines (SQLite, PostgreSQL) so the store's logic is written once.
// Statements use PostgreSQL-style $1..$N parameters; the SQLite engine maps them to ?1..?N.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace acmepolicy::server {

enum class Dialect { sqlite, postgres };

/// A bound parameter: SQL NULL, an integer or text.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;

/// One result row; every column comes back as text (nullopt = NULL).
struct Row {
    std::vector<std::optional<std::string>> columns;
    const std::string& text(std::size_t i) const;  // "" for NULL
    std::int64_t integer(std::size_t i) const;    // 0 for NULL
    bool is_null(std::size_t i) const { return !columns.at(i).has_value(); }
};

/// Thrown by every failing statement. `conflict` is set for unique/primary-key violations, `busy` for
/// lock timeouts and serialization failures a caller may retry.
struct DbError : std::runtime_error {
    DbError(const std::string& message, bool is_conflict, bool is_busy = false)
        : std::runtime_error(message), conflict(is_conflict), busy(is_busy) {}
    bool conflict;
    bool busy;
};

/// One connection. Not thread-safe: the store serialises access.
class Db {
public:
    virtual ~Db() = default;
    virtual Dialect dialect() const = 0;
    /// Runs one statement; returns its rows (also for ... RETURNING). Throws DbError.
    virtual std::vector<Row> query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
    /// Runs several statements without parameters (migrations). Throws DbError.
    virtual void script(const std::string& sql) = 0;
};

/// Opens (creating when absent) an SQLite file with WAL, foreign keys and a busy timeout. Throws DbError.
std::unique_ptr<Db> open_sqlite(const std::string& path);
/// Connects to PostgreSQL with a libpq URL ("postgresql://user@127.0.0.1:5432/db"). Throws DbError; throws
/// DbError too when this build has no libpq.
std::unique_ptr<Db> open_postgres(const std::string& url);

}  // namespace acmepolicy::server
