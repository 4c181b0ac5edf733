// Signing a rendered profile: the bridge from render options to CMS SignedData.
#pragma once

#include <optional>
#include <string>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/render.hpp"

namespace acmepolicy::render_detail {

/// CMS SignedData (DER) over `content` with options.signing at options.signing_time. Problems with the
/// key material or the options → `render.signing_*` errors in `report` and nullopt.
std::optional<std::string> sign_content(const std::string& content, const RenderOptions& options, Report& report);

}  // namespace acmepolicy::render_detail
