// Helpers shared by the signing benchmarks: reading a file whole, and a key with a self-signed
// certificate made by `openssl` in a temporary folder (removed again before returning).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace acmepolicy::bench {

inline std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

/// A signing identity as PEM texts; both are empty when openssl failed.
struct Identity {
    std::string certificate_pem;
    std::string key_pem;
};

/// `openssl genpkey <genpkey_args>`, then a 30-day self-signed certificate with subject CN=<name>;
/// `req_args` (may be empty) is passed on to `openssl req`, e.g. "-addext keyUsage=...".
inline Identity make_identity(const std::string& name, const std::string& genpkey_args,
                              const std::string& req_args = "") {
    char folder_template[] = "/tmp/acmepolicy-bench-XXXXXX";
    const char* folder = mkdtemp(folder_template);
    if (folder == nullptr) return {};
    const std::string dir(folder);
    const std::string command = "cd " + dir + " && openssl genpkey " + genpkey_args +
                                " -out key.pem 2>/dev/null && openssl req -x509 -new -key key.pem -subj /CN=" +
                                name + " -days 30" + (req_args.empty() ? "" : " " + req_args) +
                                " -out cert.pem 2>/dev/null";
    Identity identity;
    if (std::system(command.c_str()) == 0) {
        identity.certificate_pem = read_file(dir + "/cert.pem");
        identity.key_pem = read_file(dir + "/key.pem");
    }
    std::remove((dir + "/cert.pem").c_str());
    std::remove((dir + "/key.pem").c_str());
    rmdir(folder);
    return identity;
}

}  // namespace acmepolicy::bench
