// PEM armour (RFC 7468): finds "-----BEGIN <label>-----" blocks and decodes their Base64 (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace acmepolicy::detail {

struct PemBlock {
    std::string label;  // "CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", ...
    std::string der;
};

struct PemRead {
    std::vector<PemBlock> blocks;
    std::string error;  // set (and blocks incomplete) when an armoured block is malformed
};

/// Every PEM block of `text` in order. Text between blocks is ignored (openssl writes "subject=..." lines
/// there); a BEGIN without its END, mismatched labels, or a body that is not Base64 is an error.
/// Encapsulated headers ("Proc-Type: 4,ENCRYPTED") are refused: encrypted keys are not supported.
PemRead read_pem_blocks(std::string_view text);

}  // namespace acmepolicy::detail
