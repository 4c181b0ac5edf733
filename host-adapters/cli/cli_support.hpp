// Helpers every subcommand shares: reading inputs, writing outputs without ever leaving a partial file.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace acmepolicy::cli {

/// Reads a whole file ("-" = standard input). On failure returns nullopt and writes a one-line error to err.
std::optional<std::string> read_input(const std::string& path, std::ostream& err);

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then rename), or to `out`
/// when path is "-" or empty. Returns false (after a message to err) on failure; never leaves a partial file.
bool write_output(const std::string& path, const std::string& bytes, std::ostream& out, std::ostream& err);

/// Minimal option scanner: "--name value", "--name=value" and flags. Unknown options are errors.
class ArgScanner {
public:
    explicit ArgScanner(std::vector<std::string> args) : args_(std::move(args)) {}
    /// Walks the arguments; returns false and writes to err on an unknown option or a missing value.
    /// `with_value` options take one value; `flags` take none; every other argument is positional.
    bool scan(const std::vector<std::string>& with_value, const std::vector<std::string>& flags, std::ostream& err);

    std::optional<std::string> value(const std::string& name) const;     // last given
    std::vector<std::string> values(const std::string& name) const;      // all given, in order
    bool flag(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::vector<std::string> args_;
    std::vector<std::pair<std::string, std::string>> options_;
    std::vector<std::string> flags_;
    std::vector<std::string> positional_;
};

/// Scans a subcommand's arguments, always accepting --help. Returns an exit code when the command is
/// already done: kExitUsage after printing the problem and `usage` to err, or kExitOk after printing
/// `usage` to out for --help. Returns nullopt when the command should go on.
std::optional<int> scan_arguments(ArgScanner& scanner, const std::vector<std::string>& with_value,
                                  std::vector<std::string> flags, const char* usage, std::ostream& out,
                                  std::ostream& err);

/// Reads --format, which must be text (the default) or json. nullopt after a message to err.
std::optional<std::string> text_or_json_format(const ArgScanner& scanner, std::ostream& err);

}  // namespace acmepolicy::cli
