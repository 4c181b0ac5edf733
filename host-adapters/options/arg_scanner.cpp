// The one command-line option scanner.
#include "options/arg_scanner.hpp"

#include <algorithm>

namespace acmepolicy::options {

bool ArgScanner::scan(const std::vector<std::string>& with_value, const std::vector<std::string>& flags,
                      std::ostream& err) {
    auto is_in = [](const std::vector<std::string>& list, const std::string& s) {
        return std::find(list.begin(), list.end(), s) != list.end();
    };
    bool only_positional = false;
    for (std::size_t i = 0; i < args_.size(); ++i) {
        const std::string& arg = args_[i];
        if (only_positional || arg == "-" || arg.rfind("--", 0) != 0) {
            positional_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        if (is_in(flags, name) && !inline_value) {
            flags_.push_back(name);
        } else if (is_in(with_value, name)) {
            if (inline_value) {
                options_.emplace_back(name, *inline_value);
            } else if (i + 1 < args_.size()) {
                options_.emplace_back(name, args_[++i]);
            } else {
                err << who_ << ": " << name << " needs a value\n";
                return false;
            }
        } else {
            err << who_ << ": unknown option " << name << hint_ << "\n";
            return false;
        }
    }
    return true;
}

std::optional<std::string> ArgScanner::value(const std::string& name) const {
    std::optional<std::string> found;
    for (const auto& [key, v] : options_)
        if (key == name) found = v;
    return found;
}

std::vector<std::string> ArgScanner::values(const std::string& name) const {
    std::vector<std::string> found;
    for (const auto& [key, v] : options_)
        if (key == name) found.push_back(v);
    return found;
}

bool ArgScanner::flag(const std::string& name) const {
    return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

}  // namespace acmepolicy::options
