// GET /api/v1/devices with a query: server-side search, filters, sort and paging of the inventory, so a
// client shows a page of a large fleet without fetching every record. Without any of these parameters the
// route answers as before ({"devices": [every record]}).
//   q           substring, ignoring case, of id, device_name, serial_number, user_email, product_name, udid,
//               enrollment_id
//   platform    exact; os: the major version ("17" matches 17.4.1); enrollment: exact
//   status      failed | pending | attention | installed | none (the device's worst policy state)
//   sort, dir   a record field or "status"; asc (default) or desc; natural order (A2 before A10), then id
//   limit       1..1000 (default 50); offset: from 0
// Answer: {"devices": [records of the page], "total": matching, "inventory": all records, "offset",
// "limit", "next_offset" (null on the last page), "statuses": {id: status} of the page's devices,
// "facets": {"platform", "os", "enrollment"}: the distinct values over the whole inventory}.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace acmepolicy::server {

/// Whether the request carries any of the query parameters above.
bool device_query_requested(const httplib::Request& req);

/// Answers the paged query (400 request.query_invalid for a bad limit, offset, status or dir).
void list_devices_page(ServerContext& ctx, const httplib::Request& req, httplib::Response& res);

}  // namespace acmepolicy::server
