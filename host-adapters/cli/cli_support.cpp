// Helpers every subcommand shares.
#include "cli_support.hpp"

#include "command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <unistd.h>

namespace acmepolicy::cli {

std::optional<std::string> read_input(const std::string& path, std::ostream& err) {
    if (path == "-") {
        std::ostringstream buffer;
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        err << path << ": error: cannot read file: " << std::strerror(errno) << "\n";
        return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

bool write_output(const std::string& path, const std::string& bytes, std::ostream& out, std::ostream& err) {
    if (path.empty() || path == "-") {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        return static_cast<bool>(out);
    }
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) {
            err << path << ": error: cannot write file: " << std::strerror(errno) << "\n";
            return false;
        }
        file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        file.flush();
        if (!file) {
            err << path << ": error: writing failed\n";
            file.close();
            std::remove(temporary.c_str());
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        err << path << ": error: cannot write file: " << std::strerror(errno) << "\n";
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

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
                err << "error: " << name << " needs a value\n";
                return false;
            }
        } else {
            err << "error: unknown option " << name << "\n";
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

std::optional<int> scan_arguments(ArgScanner& scanner, const std::vector<std::string>& with_value,
                                  std::vector<std::string> flags, const char* usage, std::ostream& out,
                                  std::ostream& err) {
    flags.emplace_back("--help");
    if (!scanner.scan(with_value, flags, err)) {
        err << usage;
        return kExitUsage;
    }
    if (scanner.flag("--help")) {
        out << usage;
        return kExitOk;
    }
    return std::nullopt;
}

std::optional<std::string> text_or_json_format(const ArgScanner& scanner, std::ostream& err) {
    std::string format = scanner.value("--format").value_or("text");
    if (format != "text" && format != "json") {
        err << "error: --format must be text or json, not '" << format << "'\n";
        return std::nullopt;
    }
    return format;
}

}  // namespace acmepolicy::cli
