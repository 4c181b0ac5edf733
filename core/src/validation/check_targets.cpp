// Rule 16: targets lists non-empty, distinct device group and device ids.
#include <set>
#include <string>

#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

void check_ids(const std::vector<std::string>& ids, const char* path, const char* what, Report& report) {
    // Repeats: a scan of the earlier ids for the few a policy lists, a set beyond that. An earlier equal id
    // was not empty either, so it is what the set would hold.
    std::set<std::string> seen;
    const bool few = ids.size() <= 16;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto entry_path = [&] { return json_pointer_append(std::string(path), i); };
        if (trim(ids[i]).empty()) {
            emit(report, Code::targets_empty_id, entry_path(),
                 std::string("This ") + what + " id is empty; remove it or write the id.");
            continue;
        }
        bool repeated = false;
        if (few) {
            for (std::size_t k = 0; k < i && !repeated; ++k) repeated = ids[k] == ids[i];
        } else {
            repeated = !seen.insert(ids[i]).second;
        }
        if (repeated)
            emit(report, Code::targets_duplicate, entry_path(),
                 std::string("The ") + what + " id " + quote_text(ids[i]) + " is listed more than once; remove the repeat.");
    }
}

}  // namespace

void check_targets(const PolicyDraft& draft, Report& report) {
    const PolicyTargets& targets = draft.policy.targets;
    check_ids(targets.device_groups, "/targets/device_groups", "device group", report);
    check_ids(targets.devices, "/targets/devices", "device", report);
    if (targets.device_groups.empty() && targets.devices.empty())
        emit(report, Code::targets_none, "/targets",
             "The policy is assigned to no device yet: add device group ids to targets.device_groups or device ids "
             "to targets.devices.");
}

}  // namespace acmepolicy::validation
