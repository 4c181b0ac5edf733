// Helpers every subcommand shares.
#include "cli_support.hpp"

#include "command.hpp"
#include "acmepolicy/crypto.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace acmepolicy::cli {

namespace {

// Reads `in` up to `cap` bytes; false when there is more (the caller names the file and the cap).
bool read_capped(std::istream& in, std::size_t cap, std::string& out) {
    char chunk[64 * 1024];
    while (in) {
        in.read(chunk, sizeof chunk);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (out.size() + got > cap) return false;
        out.append(chunk, got);
    }
    return true;
}

std::string mebibytes(std::size_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

}  // namespace

std::optional<std::string> read_input(const std::string& path, std::ostream& err, std::size_t cap) {
    const std::string name = path == "-" ? "standard input" : path;
    std::string bytes;
    if (path == "-") {
        if (!read_capped(std::cin, cap, bytes)) {
            err << name << ": error: more than " << mebibytes(cap) << "; acmepolicy reads at most that from one input\n";
            return std::nullopt;
        }
        return bytes;
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        err << path << ": error: cannot read file: " << std::strerror(errno) << "\n";
        return std::nullopt;
    }
    if (S_ISDIR(info.st_mode)) {
        err << path << ": error: this is a folder; give the path of a file in it\n";
        return std::nullopt;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        err << path << ": error: cannot read file: " << std::strerror(errno) << "\n";
        return std::nullopt;
    }
    if (!read_capped(file, cap, bytes)) {
        err << path << ": error: the file is larger than " << mebibytes(cap)
            << "; acmepolicy reads at most that from one input\n";
        return std::nullopt;
    }
    if (file.bad()) {
        err << path << ": error: reading failed: " << std::strerror(errno) << "\n";
        return std::nullopt;
    }
    return bytes;
}

namespace {

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_utf8(const std::string& bytes) {
    static constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        std::size_t extra = 0;
        std::uint32_t code = c;
        if (c < 0x80) extra = 0;
        else if ((c & 0xE0) == 0xC0) extra = 1, code = c & 0x1Fu;
        else if ((c & 0xF0) == 0xE0) extra = 2, code = c & 0x0Fu;
        else if ((c & 0xF8) == 0xF0) extra = 3, code = c & 0x07u;
        else return false;
        if (bytes.size() - i <= extra) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(bytes[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (code < smallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace

std::optional<std::string> read_text_input(const std::string& path, std::ostream& err, const char* what) {
    auto bytes = read_input(path, err);
    if (!bytes) return std::nullopt;
    if (!is_utf8(*bytes) || bytes->find('\0') != std::string::npos) {
        err << path << ": error: " << what << " must be text, and this file holds binary bytes";
        if (std::string_view(what).find("PEM") != std::string_view::npos)
            err << " (DER? convert it: openssl x509 -inform der -in " << path << " -out " << path << ".pem)";
        err << "\n";
        return std::nullopt;
    }
    return bytes;
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

std::optional<std::string> random_hex(std::size_t count, std::ostream& err) {
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    std::string bytes(count, '\0');
    if (!urandom.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        err << "error: cannot read /dev/urandom\n";
        return std::nullopt;
    }
    return crypto::to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace acmepolicy::cli
