// Server-side paging of the device list (see device_query.hpp).
#include "server/device_query.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "server/clock.hpp"
#include "server/lifecycle_store.hpp"

namespace acmepolicy::server {

namespace {

using json = nlohmann::json;

const char* const kParams[] = {"q",   "platform", "os",     "enrollment", "status",
                               "sort", "dir",     "limit", "offset",     "expires_within_days"};
const std::vector<std::string> kStatuses = {"failed", "pending", "attention", "installed", "none"};

int rank(const std::string& status) {
    auto it = std::find(kStatuses.begin(), kStatuses.end(), status);
    return static_cast<int>(it - kStatuses.begin());
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string field(const json& record, const std::string& key) {
    auto it = record.find(key);
    if (it == record.end() || it->is_null()) return "";
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

std::string os_major(const json& record) {
    std::string v = field(record, "os_version");
    return v.substr(0, v.find('.'));
}

/// Natural order ignoring case: runs of digits compare by value, so "iPad 2" sorts before "iPad 10".
int natural_compare(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const auto ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[j]);
        if (std::isdigit(ca) && std::isdigit(cb)) {
            // Compare the two digit runs by value in place (no copies: the list sorts 10,000 records).
            while (i < a.size() && a[i] == '0') ++i;
            while (j < b.size() && b[j] == '0') ++j;
            std::size_t ei = i, ej = j;
            while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
            while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
            if (ei - i != ej - j) return ei - i < ej - j ? -1 : 1;
            if (int c = a.compare(i, ei - i, b, j, ej - j)) return c < 0 ? -1 : 1;
            i = ei;
            j = ej;
            continue;
        }
        const int la = std::tolower(ca), lb = std::tolower(cb);
        if (la != lb) return la < lb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size()) return 1;
    if (j < b.size()) return -1;
    return 0;
}

/// Every device's worst state over the stored policies, from the engine's resolution: a failed install,
/// a pending one (or a removal under way), targeted but excluded ("attention"), installed, or no policy.
std::map<std::string, std::string> statuses(ServerContext& ctx, Db& db) {
    std::map<std::string, std::string> out;
    auto note = [&](const std::string& device, const std::string& status) {
        auto it = out.find(device);
        if (it == out.end()) out[device] = status;
        else if (rank(status) < rank(it->second)) it->second = status;
    };
    ctx.engine->visit_resolution(db, [&](const std::string&, const std::string& device, const std::string* s) {
        if (!s) return note(device, "attention");
        note(device, *s == "failed" ? "failed" : *s == "installed" ? "installed" : "pending");
    });
    return out;
}

std::optional<long long> number_param(const httplib::Request& req, const char* name, long long low, long long high) {
    const std::string text = req.get_param_value(name);
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    long long v = std::stoll(text);
    if (v < low || v > high) return std::nullopt;
    return v;
}

/// Each device's soonest-expiring certificate that the core matched to a policy (Unix seconds).
std::map<std::string, std::int64_t> soonest_expiry(Db& db) {
    std::map<std::string, std::int64_t> out;
    for (const auto& r : all_renewals(db)) {
        if (!r.has_certificate()) continue;
        auto [it, fresh] = out.emplace(r.device_id, *r.cert_not_after);
        if (!fresh) it->second = std::min(it->second, *r.cert_not_after);
    }
    return out;
}

struct Entry {
    json record;
    std::string id, key;
};

}  // namespace

bool device_query_requested(const httplib::Request& req) {
    for (const char* p : kParams)
        if (req.has_param(p)) return true;
    return false;
}

void list_devices_page(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    long long limit = 50, offset = 0;
    if (req.has_param("limit")) {
        auto v = number_param(req, "limit", 1, 1000);
        if (!v) return send_error(res, 400, "request.query_invalid", "limit must be a whole number from 1 to 1000.");
        limit = *v;
    }
    if (req.has_param("offset")) {
        auto v = number_param(req, "offset", 0, 100000000);
        if (!v) return send_error(res, 400, "request.query_invalid", "offset must be a whole number from 0.");
        offset = *v;
    }
    const std::string status = req.get_param_value("status");
    if (!status.empty() && rank(status) == static_cast<int>(kStatuses.size()))
        return send_error(res, 400, "request.query_invalid",
                          "status must be one of failed, pending, attention, installed, none.");
    const std::string dir = req.get_param_value("dir");
    if (!dir.empty() && dir != "asc" && dir != "desc")
        return send_error(res, 400, "request.query_invalid", "dir must be asc or desc.");
    const std::string needle = lower(req.get_param_value("q"));
    const std::string platform = req.get_param_value("platform"), os = req.get_param_value("os"),
                      enrollment = req.get_param_value("enrollment");
    std::optional<std::int64_t> expires_before;  // expires_within_days: a policy's certificate expires before
    if (req.has_param("expires_within_days")) {
        auto v = number_param(req, "expires_within_days", 0, 3650);
        if (!v) return send_error(res, 400, "request.query_invalid",
                                  "expires_within_days must be a whole number of days from 0 (expired) to 3650.");
        expires_before = clock_now_ms() / 1000 + *v * 86400;
    }
    const std::string sort = req.has_param("sort") && !req.get_param_value("sort").empty()
                                 ? req.get_param_value("sort") : "device_name";

    std::vector<Entry> matching;
    std::map<std::string, std::string> state;
    std::set<std::string> platforms, oses, enrollments;
    std::size_t inventory = 0;
    std::map<std::string, std::int64_t> expiry;
    ctx.store->read_transaction([&](Db& db) {
        state = statuses(ctx, db);
        if (expires_before) expiry = soonest_expiry(db);
        for (const auto& row : ctx.store->devices(db)) {
            ++inventory;
            json record = json::parse(row.record, nullptr, false);
            if (!record.is_object()) continue;
            const std::string p = field(record, "platform"), o = os_major(record), e = field(record, "enrollment");
            if (!p.empty()) platforms.insert(p);
            if (!o.empty()) oses.insert(o);
            if (!e.empty()) enrollments.insert(e);
            if (!platform.empty() && p != platform) continue;
            if (!os.empty() && o != os) continue;
            if (!enrollment.empty() && e != enrollment) continue;
            auto s = state.find(row.id);
            const std::string device_status = s == state.end() ? "none" : s->second;
            if (!status.empty() && device_status != status) continue;
            if (expires_before) {
                auto soonest = expiry.find(row.id);
                if (soonest == expiry.end() || soonest->second >= *expires_before) continue;
            }
            if (!needle.empty()) {
                std::string text;
                for (const char* k : {"id", "device_name", "serial_number", "user_email", "product_name", "udid",
                                      "enrollment_id"})
                    text += field(record, k) + '\n';
                if (lower(text).find(needle) == std::string::npos) continue;
            }
            std::string key = sort == "status" ? std::to_string(rank(device_status)) : field(record, sort);
            matching.push_back({std::move(record), row.id, std::move(key)});
        }
    });
    const bool desc = dir == "desc";
    std::stable_sort(matching.begin(), matching.end(), [&](const Entry& a, const Entry& b) {
        if (int c = natural_compare(a.key, b.key)) return desc ? c > 0 : c < 0;
        return natural_compare(a.id, b.id) < 0;
    });
    json page = json::array(), page_status = json::object();
    const auto total = static_cast<long long>(matching.size());
    for (long long i = offset; i < std::min(total, offset + limit); ++i) {
        auto s = state.find(matching[i].id);
        page_status[matching[i].id] = s == state.end() ? "none" : s->second;
        page.push_back(std::move(matching[i].record));
    }
    std::vector<std::string> os_list(oses.begin(), oses.end());
    std::sort(os_list.begin(), os_list.end(), [](const std::string& a, const std::string& b) {
        return natural_compare(a, b) < 0;
    });
    send_json(res, 200, {{"devices", page}, {"total", total}, {"inventory", inventory}, {"offset", offset},
                         {"limit", limit}, {"next_offset", offset + limit < total ? json(offset + limit) : json(nullptr)},
                         {"statuses", page_status},
                         {"facets", {{"platform", platforms}, {"os", os_list}, {"enrollment", enrollments}}}});
}

}  // namespace acmepolicy::server
