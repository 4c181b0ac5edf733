// The store: connections, migrations, settings and policies (one schema for SQLite and PostgreSQL).
#include "server/store.hpp"

#include "server/log.hpp"
#include "server/store_rows.hpp"

namespace acmepolicy::server {

using namespace store_rows;

std::unique_ptr<Store> Store::open(const std::string& database_url) {
    std::unique_ptr<Db> db;
    if (database_url.rfind("sqlite:", 0) == 0) db = open_sqlite(database_url.substr(7));
    else db = open_postgres(database_url);
    std::unique_ptr<Store> store(new Store(std::move(db), database_url));
    store->migrate();
    return store;
}

void Store::open_readers(int count) {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    for (int i = 0; i < count; ++i) {
        if (url_.rfind("sqlite:", 0) == 0) readers_.push_back(open_sqlite(url_.substr(7)));
        else readers_.push_back(open_postgres(url_));
        ++reader_count_;
    }
}

std::unique_ptr<Db> Store::take_reader() {
    std::unique_lock<std::mutex> lock(readers_mutex_);
    readers_cv_.wait(lock, [this] { return !readers_.empty(); });
    std::unique_ptr<Db> reader = std::move(readers_.back());
    readers_.pop_back();
    return reader;
}

void Store::give_back(std::unique_ptr<Db> reader) {
    {
        std::lock_guard<std::mutex> lock(readers_mutex_);
        readers_.push_back(std::move(reader));
    }
    readers_cv_.notify_one();
}

void Store::migrate() {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    db_->script("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)");
    const auto& list = store_migrations();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto version = static_cast<std::int64_t>(i + 1);
        transaction([&](Db& db) {
            // PostgreSQL: one instance migrates at a time; the others wait here and then skip.
            if (db.dialect() == Dialect::postgres) db.script("LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
            if (!db.query("SELECT version FROM schema_migrations WHERE version = $1", {version}).empty()) return;
            std::string sql = list[i];
            const std::string serial = db.dialect() == Dialect::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                                       : "BIGSERIAL PRIMARY KEY";
            for (auto at = sql.find("{{SERIAL}}"); at != std::string::npos; at = sql.find("{{SERIAL}}"))
                sql.replace(at, 10, serial);
            // {{ADVANCE_SEQUENCE table}}: after explicit ids were inserted, the next generated id follows
            // them (SQLite's AUTOINCREMENT already does; PostgreSQL's sequence must be told).
            for (auto at = sql.find("{{ADVANCE_SEQUENCE "); at != std::string::npos;
                 at = sql.find("{{ADVANCE_SEQUENCE ")) {
                auto end = sql.find("}}", at);
                std::string table = sql.substr(at + 19, end - at - 19);
                std::string replacement =
                    db.dialect() == Dialect::sqlite
                        ? ""
                        : "SELECT setval(pg_get_serial_sequence('" + table + "', 'seq'), COALESCE((SELECT MAX(seq) FROM " +
                              table + "), 0) + 1, false);";
                sql.replace(at, end + 2 - at, replacement);
            }
            db.script(sql);
            db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", {version, now_rfc3339()});
            log_info("applied database migration", {{"version", version}});
        });
    }
}

int Store::schema_version() {
    return transaction([&](Db& db) {
        auto rows = db.query("SELECT MAX(version) FROM schema_migrations");
        return rows.empty() ? 0 : static_cast<int>(rows[0].integer(0));
    });
}

std::string Store::setting_or_create(Db& db, const std::string& key, const std::string& value_if_absent) {
    db.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", {key, value_if_absent});
    auto rows = db.query("SELECT value FROM settings WHERE key = $1", {key});
    return rows.empty() ? value_if_absent : rows[0].text(0);
}

// --- policies

namespace {
const char* kPolicyColumns = "id, name, version, document, updated_at, accepted_unix, accepted_core_version";

PolicyRow to_policy(const Row& r) {
    return PolicyRow{r.text(0), r.text(1), r.text(3), r.text(4), r.integer(2), r.integer(5), r.text(6)};
}
}  // namespace

std::vector<PolicyRow> Store::policies(Db& db) {
    std::vector<PolicyRow> out;
    for (const auto& r : db.query(std::string("SELECT ") + kPolicyColumns + " FROM policies ORDER BY id"))
        out.push_back(to_policy(r));
    return out;
}

std::optional<PolicyRow> Store::policy(Db& db, const std::string& id) {
    auto rows = db.query(std::string("SELECT ") + kPolicyColumns + " FROM policies WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return to_policy(rows[0]);
}

void Store::bump_inventory_generation(Db& db) {
    db.query("UPDATE inventory_generation SET generation = generation + 1 WHERE id = 1");
}

std::int64_t Store::inventory_generation(Db& db) {
    auto rows = db.query("SELECT generation FROM inventory_generation WHERE id = 1");
    return rows.empty() ? -1 : rows[0].integer(0);
}

void Store::insert_policy(Db& db, const PolicyRow& row) {
    bump_inventory_generation(db);
    db.query("INSERT INTO policies (id, name, name_key, version, document, updated_at, accepted_unix, "
             "accepted_core_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {row.id, row.name, lower(row.name), row.version, row.document, row.updated_at, row.accepted_unix,
              row.accepted_core_version});
}

void Store::update_policy(Db& db, const PolicyRow& row) {
    bump_inventory_generation(db);
    db.query("UPDATE policies SET name = $2, name_key = $3, version = $4, document = $5, updated_at = $6, "
             "accepted_unix = $7, accepted_core_version = $8 WHERE id = $1",
             {row.id, row.name, lower(row.name), row.version, row.document, row.updated_at, row.accepted_unix,
              row.accepted_core_version});
}

bool Store::delete_policy(Db& db, const std::string& id) {
    bump_inventory_generation(db);
    return !db.query("DELETE FROM policies WHERE id = $1 RETURNING id", {id}).empty();
}

std::optional<std::string> Store::policy_with_name(Db& db, const std::string& name, const std::string& except_id) {
    auto rows = db.query("SELECT id FROM policies WHERE name_key = $1 AND id <> $2", {lower(name), except_id});
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

}  // namespace acmepolicy::server
