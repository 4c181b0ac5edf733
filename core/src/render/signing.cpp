// Signing a rendered profile with CMS SignedData (cms.hpp), with render.* diagnostics for what goes wrong.
#include "render/signing.hpp"

#include "acmepolicy/cms.hpp"

namespace acmepolicy::render_detail {

ProfileSigner::ProfileSigner() = default;
ProfileSigner::~ProfileSigner() = default;

std::optional<std::string> ProfileSigner::sign(const std::string& content, const RenderOptions& options,
                                               Report& report) {
    if (!options.signing) {
        report.error("render.signing_missing", "/options/signing",
                     "A signed profile needs signing material: a certificate and its private key in PEM.");
        return std::nullopt;
    }
    if (!options.signing_time) {
        report.error("render.signing_time_missing", "/options/now",
                     "Signing needs the signing time; give the now option (RFC 3339, e.g. 2026-11-28T12:00:00Z).");
        return std::nullopt;
    }
    // The first 16 random bytes are for a CommandUUID; signing takes the rest when there are enough of them.
    const std::string& random = options.random_bytes;
    const std::string seed = random.size() >= 16 + cms::kMinRandomSeedBytes ? random.substr(16) : random;
    if (seed.size() < cms::kMinRandomSeedBytes) {
        report.error("render.signing_random_missing", "/options/random_hex",
                     "Signing needs at least " + std::to_string(16 + cms::kMinRandomSeedBytes) +
                         " fresh random bytes from the host; give random_hex (e.g. 64 hexadecimal digits).");
        return std::nullopt;
    }
    if (!loaded_) {
        loaded_ = true;
        const SigningMaterial& m = *options.signing;
        cms::Signer::Load load = cms::Signer::load(m.certificate_pem, m.key_pem, m.chain_pem);
        signer_ = std::move(load.signer);
        load_error_ = std::move(load.error);
        if (!signer_ && load_error_.empty()) load_error_ = "the signing identity could not be loaded";
    }
    if (!signer_) {
        report.error("render.signing_material_invalid", "/options/signing",
                     "The signing certificate or key cannot be used: " + load_error_);
        return std::nullopt;
    }
    cms::SignResult signed_data = signer_->sign(content, *options.signing_time, seed);
    if (!signed_data.ok()) {
        report.error("render.signing_failed", "/options/signing", "Signing the profile failed: " + signed_data.error);
        return std::nullopt;
    }
    return std::move(signed_data.der);
}

}  // namespace acmepolicy::render_detail
