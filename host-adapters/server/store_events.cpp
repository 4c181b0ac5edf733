// The store: received webhook events.
#include "server/store.hpp"

#include "server/log.hpp"
#include "server/store_rows.hpp"

namespace acmepolicy::server {

using namespace store_rows;

// --- events

std::int64_t Store::insert_event(Db& db, const EventRow& e) {
    SqlValue event_id = e.event_id.empty() ? SqlValue(nullptr) : SqlValue(e.event_id);
    auto rows = db.query("INSERT INTO events (topic, device_id, body, received_at, event_id, status, reason) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         {e.topic, e.device_id, e.body, now_rfc3339_ms(), event_id, e.status, e.reason});
    return rows.empty() ? 0 : rows[0].integer(0);
}

std::optional<Store::StoredEvent> Store::latest_event(Db& db, const std::string& device_id, const std::string& topic) {
    auto rows = db.query(
        "SELECT body, received_at FROM events WHERE device_id = $1 AND topic = $2 ORDER BY id DESC LIMIT 1",
        {device_id, topic});
    if (rows.empty()) return std::nullopt;
    return StoredEvent{rows[0].text(0), rows[0].text(1)};
}

bool Store::event_seen(Db& db, const std::string& event_id) {
    if (event_id.empty()) return false;
    return !db.query("SELECT id FROM events WHERE event_id = $1", {event_id}).empty();
}

std::int64_t Store::prune_events(Db& db, const std::string& before_rfc3339) {
    return static_cast<std::int64_t>(
        db.query("DELETE FROM events WHERE received_at < $1 RETURNING id", {before_rfc3339}).size());
}

std::vector<EventRow> Store::events(Db& db, int limit) {
    std::vector<EventRow> out;
    for (const auto& r : db.query("SELECT topic, device_id, body, COALESCE(event_id, ''), status, reason, received_at "
                                  "FROM events ORDER BY id DESC LIMIT " + std::to_string(limit)))
        out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6)});
    return out;
}

std::int64_t Store::event_count(Db& db) {
    auto rows = db.query("SELECT COUNT(*) FROM events");
    return rows.empty() ? 0 : rows[0].integer(0);
}

}  // namespace acmepolicy::server
