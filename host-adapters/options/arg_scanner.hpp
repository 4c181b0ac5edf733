// The one command-line option scanner of every acmepolicy command (the CLI's subcommands and
// `acmepolicy serve`), so that "--name value", "--name=value", flags and "--" mean the same everywhere.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace acmepolicy::options {

/// Scans arguments against the options a command declares. Unknown options and missing values are errors.
class ArgScanner {
public:
    /// `who` starts every error line ("error" for the CLI's subcommands, "acmepolicy serve" for the
    /// server); `hint` ends the unknown-option line (e.g. " (see --help)") for commands that print no usage.
    explicit ArgScanner(std::vector<std::string> args, std::string who = "error", std::string hint = "")
        : args_(std::move(args)), who_(std::move(who)), hint_(std::move(hint)) {}

    /// Walks the arguments; returns false after one line to err on an unknown option or a missing value.
    /// `with_value` options take one value ("--name value" or "--name=value"); `flags` take none. A name
    /// in both is a flag when bare and takes an inline value as "--name=value". "-" and anything not
    /// starting with "--" is positional, and so is everything after "--".
    bool scan(const std::vector<std::string>& with_value, const std::vector<std::string>& flags, std::ostream& err);

    std::optional<std::string> value(const std::string& name) const;  // last given
    std::vector<std::string> values(const std::string& name) const;   // all given, in order
    bool flag(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }
    /// Every option given with a value (flags excluded), in order, as (name, value).
    const std::vector<std::pair<std::string, std::string>>& options() const { return options_; }

private:
    std::vector<std::string> args_;
    std::string who_;
    std::string hint_;
    std::vector<std::pair<std::string, std::string>> options_;
    std::vector<std::string> flags_;
    std::vector<std::string> positional_;
};

}  // namespace acmepolicy::options
