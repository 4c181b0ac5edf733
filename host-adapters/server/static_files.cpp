// Whole-file reads and the portal's static files.
#include "server/static_files.hpp"

#include <fstream>
#include <iterator>

#include <sys/stat.h>

namespace acmepolicy::server {

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

namespace {

const char* content_type_of(const std::string& path) {
    auto ends = [&](const char* s) {
        std::string suffix(s);
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js") || ends(".mjs")) return "text/javascript";
    if (ends(".wasm")) return "application/wasm";
    if (ends(".css")) return "text/css";
    if (ends(".json") || ends(".map")) return "application/json";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".png")) return "image/png";
    if (ends(".ico")) return "image/x-icon";
    if (ends(".ts")) return "text/plain; charset=utf-8";
    if (ends(".mobileconfig")) return "application/x-apple-aspen-config";
    return "application/octet-stream";
}

}  // namespace

/// Serves GET / and /<file> from the portal folder and /pkg/<file> from the wasm package folder.
bool serve_static(const ServerConfig& config, const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return false;
    std::string path = req.path;
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos) return false;
    std::string file;
    if (path.rfind("/pkg/", 0) == 0) file = config.wasm_root + path.substr(4);
    else file = config.web_root + (path == "/" ? "/index.html" : path);
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    auto bytes = read_file(file);
    if (!bytes) return false;
    res.status = 200;
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::move(*bytes), content_type_of(file));
    return true;
}

}  // namespace acmepolicy::server
