// Deterministic diagnostic order: by field, in the order the policy format lists them; stable within one.
#include <algorithm>
#include <string>
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
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return rank(a.path) < rank(b.path); });
}

}  // namespace acmepolicy::validation
