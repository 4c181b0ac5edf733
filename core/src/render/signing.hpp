// Signing a rendered profile: the bridge from render options to CMS SignedData.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "acmepolicy/diagnostics.hpp"
#include "acmepolicy/render.hpp"

namespace acmepolicy::cms {
class Signer;
}

namespace acmepolicy::render_detail {

/// Signs profiles with options.signing; loads the identity (certificate, key, chain) once, on first use,
/// so a renderer signing many profiles parses the key only once. Not thread-safe (one per renderer).
class ProfileSigner {
public:
    ProfileSigner();
    ~ProfileSigner();
    ProfileSigner(const ProfileSigner&) = delete;
    ProfileSigner& operator=(const ProfileSigner&) = delete;

    /// CMS SignedData (DER) over `content` at options.signing_time, seeded from options.random_bytes.
    /// Problems with the key material or the options → `render.signing_*` errors in `report` and nullopt.
    std::optional<std::string> sign(const std::string& content, const RenderOptions& options, Report& report);

private:
    bool loaded_ = false;
    std::string load_error_;
    std::unique_ptr<cms::Signer> signer_;
};

}  // namespace acmepolicy::render_detail
