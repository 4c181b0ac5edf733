// The PostgreSQL engine of the store (libpq): text parameters and results, errors mapped by SQLSTATE.
#include <cstring>
#include <string>

#include <libpq-fe.h>

#include "server/db.hpp"

namespace acmepolicy::server {

namespace {

class PostgresDb final : public Db {
public:
    explicit PostgresDb(const std::string& url) {
        conn_ = PQconnectdb(url.c_str());
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
            std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
            if (conn_) PQfinish(conn_);
            conn_ = nullptr;
            while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
            throw DbError("cannot connect to PostgreSQL: " + message, false);
        }
        query("SET client_min_messages TO WARNING", {});
    }
    ~PostgresDb() override {
        if (conn_) PQfinish(conn_);
    }
    PostgresDb(const PostgresDb&) = delete;
    PostgresDb& operator=(const PostgresDb&) = delete;

    Dialect dialect() const override { return Dialect::postgres; }

    std::vector<Row> query(const std::string& sql, const std::vector<SqlValue>& params) override {
        reconnect_if_lost();
        std::vector<std::string> texts(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (auto* n = std::get_if<std::int64_t>(&params[i])) texts[i] = std::to_string(*n);
            else if (auto* s = std::get_if<std::string>(&params[i])) texts[i] = *s;
            else continue;
            values[i] = texts[i].c_str();
        }
        PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                        values.data(), nullptr, nullptr, 0);
        struct Clear {
            PGresult* r;
            ~Clear() { PQclear(r); }
        } clear{result};
        check(result);
        std::vector<Row> rows;
        int n = PQntuples(result), m = PQnfields(result);
        rows.reserve(static_cast<std::size_t>(n));
        for (int r = 0; r < n; ++r) {
            Row row;
            for (int c = 0; c < m; ++c) {
                if (PQgetisnull(result, r, c)) row.columns.emplace_back(std::nullopt);
                else row.columns.emplace_back(std::string(PQgetvalue(result, r, c),
                                                          static_cast<std::size_t>(PQgetlength(result, r, c))));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    void script(const std::string& sql) override {
        reconnect_if_lost();
        PGresult* result = PQexec(conn_, sql.c_str());
        struct Clear {
            PGresult* r;
            ~Clear() { PQclear(r); }
        } clear{result};
        check(result);
    }

private:
    /// A restarted database server or a dropped connection: reconnect once before the next statement (the
    /// failed transaction was rolled back by the server, and the caller retries busy errors).
    void reconnect_if_lost() {
        if (PQstatus(conn_) != CONNECTION_OK) PQreset(conn_);
    }

    void check(PGresult* result) {
        auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
        const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        std::string code = state ? state : "";
        std::string message = PQerrorMessage(conn_);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        // 23505 unique_violation; 40001 serialization_failure; 40P01 deadlock; 55P03 lock_not_available.
        throw DbError("PostgreSQL: " + message, code == "23505",
                      code == "40001" || code == "40P01" || code == "55P03" || PQstatus(conn_) != CONNECTION_OK);
    }
    PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& url) { return std::make_unique<PostgresDb>(url); }

}  // namespace acmepolicy::server
