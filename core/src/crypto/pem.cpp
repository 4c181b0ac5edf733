// PEM armour reading (RFC 7468), shared by certificate and key loading.
#include "crypto/pem.hpp"

#include "acmepolicy/crypto.hpp"

namespace acmepolicy::detail {

PemRead read_pem_blocks(std::string_view text) {
    static constexpr std::string_view kBegin = "-----BEGIN ";
    static constexpr std::string_view kEnd = "-----END ";
    static constexpr std::string_view kDashes = "-----";
    PemRead out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t begin = text.find(kBegin, pos);
        if (begin == std::string_view::npos) break;
        const std::size_t label_start = begin + kBegin.size();
        const std::size_t label_end = text.find(kDashes, label_start);
        if (label_end == std::string_view::npos || text.substr(label_start, label_end - label_start).find('\n') !=
                                                       std::string_view::npos) {
            out.error = "a \"-----BEGIN\" line is not terminated by \"-----\"";
            return out;
        }
        const std::string label(text.substr(label_start, label_end - label_start));
        const std::size_t body_start = label_end + kDashes.size();
        const std::size_t end = text.find(kEnd, body_start);
        if (end == std::string_view::npos) {
            out.error = "the PEM block \"" + label + "\" has no \"-----END " + label + "-----\" line";
            return out;
        }
        const std::string expected_end = std::string(kEnd) + label + std::string(kDashes);
        if (text.substr(end, expected_end.size()) != expected_end) {
            out.error = "the PEM block \"" + label + "\" ends with a different label";
            return out;
        }
        const std::string_view body = text.substr(body_start, end - body_start);
        if (body.find(':') != std::string_view::npos) {
            out.error = "the PEM block \"" + label + "\" has headers (an encrypted key?); only plain PEM is supported";
            return out;
        }
        std::optional<std::string> der = crypto::base64_decode(body);
        if (!der || der->empty()) {
            out.error = "the PEM block \"" + label + "\" does not hold valid Base64";
            return out;
        }
        out.blocks.push_back(PemBlock{label, std::move(*der)});
        pos = end + expected_end.size();
    }
    return out;
}

}  // namespace acmepolicy::detail
