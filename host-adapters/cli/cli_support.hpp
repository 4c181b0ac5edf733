// Helpers every subcommand shares: reading inputs, writing outputs without ever leaving a partial file.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "options/arg_scanner.hpp"

namespace acmepolicy::cli {

/// The most the CLI reads from one input: an inventory of a large fleet fits, /dev/zero does not.
constexpr std::size_t kMaxInputBytes = 64 * 1024 * 1024;

/// Reads a whole file ("-" = standard input), at most `cap` bytes: a longer input is refused while it is read,
/// never loaded first. On failure (missing file, a folder, over the cap) returns nullopt and writes a
/// one-line error naming the file and the mistake to err.
std::optional<std::string> read_input(const std::string& path, std::ostream& err, std::size_t cap = kMaxInputBytes);

/// read_input for a file that must be text (a PEM certificate or key, a secret): binary bytes (a DER
/// certificate, a key in PKCS#8 DER) are refused with a sentence naming `what` and, for PEM, the fix.
std::optional<std::string> read_text_input(const std::string& path, std::ostream& err, const char* what);

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then rename), or to `out`
/// when path is "-" or empty. Returns false (after a message to err) on failure; never leaves a partial file.
bool write_output(const std::string& path, const std::string& bytes, std::ostream& out, std::ostream& err);

/// `count` bytes from the system's random source (/dev/urandom), as hex for the facade's random_hex; nullopt
/// after a message to err.
std::optional<std::string> random_hex(std::size_t count, std::ostream& err);

/// The shared option scanner (host-adapters/options): every subcommand and `serve` scan alike.
using ArgScanner = options::ArgScanner;

/// Scans a subcommand's arguments, always accepting --help. Returns an exit code when the command is
/// already done: kExitUsage after printing the problem and `usage` to err, or kExitOk after printing
/// `usage` to out for --help. Returns nullopt when the command should go on.
std::optional<int> scan_arguments(ArgScanner& scanner, const std::vector<std::string>& with_value,
                                  std::vector<std::string> flags, const char* usage, std::ostream& out,
                                  std::ostream& err);

/// Reads --format, which must be text (the default) or json. nullopt after a message to err.
std::optional<std::string> text_or_json_format(const ArgScanner& scanner, std::ostream& err);

}  // namespace acmepolicy::cli
