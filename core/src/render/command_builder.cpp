// Builds MDM command plists (InstallProfile, RemoveProfile) around a request dictionary.
#include "render/builders.hpp"

namespace acmepolicy::render_detail {

plist::Value build_command(plist::Dict request, const std::string& command_uuid) {
    plist::Dict top;
    top.emplace_back("Command", plist::Value(std::move(request)));
    top.emplace_back("CommandUUID", plist::Value(command_uuid));
    return plist::Value(std::move(top));
}

}  // namespace acmepolicy::render_detail
