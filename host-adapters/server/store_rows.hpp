// Row converters and the migration list shared by the store's per-table files (store_*.cpp). Internal to
// the server library: nothing outside host-adapters/server/store*.cpp includes this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/store.hpp"

namespace acmepolicy::server::store_rows {

/// Migration N brings the schema from version N-1 to N (store_migrations.cpp).
const std::vector<std::string>& store_migrations();

std::string lower(const std::string& s);
std::optional<std::int64_t> opt_int(const Row& r, std::size_t i);
SqlValue opt_value(const std::optional<std::int64_t>& v);

/// The assignments matching `where` (the SQL after "FROM assignments": WHERE and/or ORDER BY).
std::vector<AssignmentRow> select_assignments(Db& db, const std::string& where,
                                              const std::vector<SqlValue>& params = {});

/// The columns to_command reads, in order; the query joins commands as c with devices as d.
extern const char* const kCommandColumns;
CommandRow to_command(const Row& r);

/// id, record, mdm_id, enrolled, updated_at.
DeviceRow to_device(const Row& r);

}  // namespace acmepolicy::server::store_rows
