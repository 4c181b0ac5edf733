// Deterministic diagnostic order: by field, in the order the policy format lists them; stable within one.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "validation/rules.hpp"

namespace acmepolicy::validation {
namespace {

// Fields in format order. A path ranks with the longest entry that is a whole-segment prefix of it;
// keys the format does not know rank right after the known fields of their object.
const std::vector<std::string> kFieldOrder = {
    "/schema_version",
    "/id",
    "/name",
    "/notes",
    "/server_profile",
    "/delivery",
    "/payload",
    "/payload/DirectoryURL",
    "/payload/ClientIdentifier",
    "/payload/KeyType",
    "/payload/KeySize",
    "/payload/HardwareBound",
    "/payload/Attest",
    "/payload/Subject",
    "/payload/SubjectAltName",
    "/payload/SubjectAltName/rfc822Name",
    "/payload/SubjectAltName/dNSName",
    "/payload/SubjectAltName/uniformResourceIdentifier",
    "/payload/SubjectAltName/ntPrincipalName",
    "/payload/SubjectAltName/~unknown",
    "/payload/UsageFlags",
    "/payload/ExtendedKeyUsage",
    "/payload/KeyIsExtractable",
    "/payload/AllowAllAppsAccess",
    "/payload/~unknown",
    "/ca_certificates",
    "/targets",
    "/targets/device_groups",
    "/targets/devices",
    "/targets/~unknown",
    "/fallback",
    "/fallback/policy",
    "/fallback/when",
    "/fallback/~unknown",
    "/renewal",
    "/renewal/before_days",
    "/renewal/fraction",
    "/~unknown",
};

bool has_prefix(const std::string& path, const std::string& prefix) {
    return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::size_t index_of(const std::string& field) {
    const auto it = std::find(kFieldOrder.begin(), kFieldOrder.end(), field);
    return static_cast<std::size_t>(it - kFieldOrder.begin()) + 1;
}

std::size_t rank(const std::string& path) {
    if (path.empty()) return 0;  // the whole document comes first
    const std::string* best = nullptr;
    for (const auto& field : kFieldOrder)
        if (has_prefix(path, field) && (best == nullptr || field.size() > best->size())) best = &field;
    if (best == nullptr) return index_of("/~unknown");
    if (path.size() > best->size()) {
        // Below a known object but not a known key of it: an unknown key of that object.
        if (*best == "/payload") return index_of("/payload/~unknown");
        if (*best == "/payload/SubjectAltName") return index_of("/payload/SubjectAltName/~unknown");
        if (*best == "/targets") return index_of("/targets/~unknown");
        if (*best == "/fallback") return index_of("/fallback/~unknown");
    }
    return index_of(*best);
}

}  // namespace

void sort_by_field(std::vector<Diagnostic>& diagnostics) {
    if (diagnostics.size() < 2) return;
    // Each path is ranked once (a rank is a walk over the field list), then the findings are moved into
    // their places: a stable sort by rank, as before.
    std::vector<std::pair<std::size_t, std::size_t>> order;  // (rank, position)
    order.reserve(diagnostics.size());
    for (std::size_t i = 0; i < diagnostics.size(); ++i) order.emplace_back(rank(diagnostics[i].path), i);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Diagnostic> sorted;
    sorted.reserve(diagnostics.size());
    for (const auto& entry : order) sorted.push_back(std::move(diagnostics[entry.second]));
    diagnostics = std::move(sorted);
}

bool shares_a_field(const std::vector<Diagnostic>& diagnostics) {
    std::size_t previous = 0;
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
        const std::size_t current = rank(diagnostics[i].path);
        if (i > 0 && current == previous) return true;
        previous = current;
    }
    return false;
}

}  // namespace acmepolicy::validation
