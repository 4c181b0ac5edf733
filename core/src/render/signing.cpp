// Signing a rendered profile with CMS SignedData.
#include "render/signing.hpp"

namespace acmepolicy::render_detail {

std::optional<std::string> sign_content(const std::string& content, const RenderOptions& options, Report& report) {
    (void)content;
    (void)options;
    report.error("render.signing_failed", "/options/signing", "Signing is not available in this build.");
    return std::nullopt;
}

}  // namespace acmepolicy::render_detail
