// The admin token file.
#include "server/admin_token.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <sys/stat.h>

#include "acmepolicy/crypto.hpp"
#include "server/log.hpp"
#include "server/static_files.hpp"
#include "server/tokens.hpp"

namespace acmepolicy::server {

std::string load_or_create_token(const std::string& path) {
    if (auto text = read_file(path)) {
        std::string token = *text;
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
        if (token.empty()) throw std::runtime_error("the admin token file " + path + " is empty; delete it to get a new token");
        log_info("admin token read", {{"token_file", path}});
        return token;
    }
    std::string token = crypto::base64url_encode(random_bytes(32));
    std::string temporary = path + ".tmp";
    mode_t old = ::umask(077);
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file << token << "\n";
        if (!file) {
            ::umask(old);
            throw std::runtime_error("cannot write the admin token file " + path);
        }
    }
    ::umask(old);
    ::chmod(temporary.c_str(), 0600);
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot create the admin token file " + path);
    log_info("admin token created", {{"token_file", path}});
    return token;
}

}  // namespace acmepolicy::server
