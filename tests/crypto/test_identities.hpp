// Test helper: certificate authorities and signing identities made with the real `openssl` at test time.
#pragma once

#include <map>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <ctime>
#include <unistd.h>

#include "run_process.hpp"

namespace acmepolicy::testing {

/// Where the identities live: made once per build tree, valid for a year.
inline std::string identity_dir() { return ACMEPOLICY_BINARY_DIR "/tests/crypto/identities"; }

/// One chain root → intermediate → signer, all with the same key algorithm, in a scratch folder.
struct Identity {
    std::string root_pem, intermediate_pem, signer_pem;
    std::string signer_key_pkcs8;        // "PRIVATE KEY"
    std::string signer_key_traditional;  // "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1)
    std::string root_path;               // for -CAfile
    std::string signer_public_key_path;  // for openssl dgst -verify
    std::string error;                   // the failing command, if any
};

/// `algorithm` is "rsa" (2048 bits), "P-256" or "P-384". Files go to dir/<algorithm>-*.
inline Identity make_identity(const std::string& dir, const std::string& algorithm) {
    Identity id;
    const std::string base = dir + "/" + algorithm + "-";
    const std::string newkey = algorithm == "rsa" ? std::string("-newkey rsa:2048")
                                                  : "-newkey ec -pkeyopt ec_paramgen_curve:" + algorithm;
    // Each test runs in its own process under CTest: make the files once (under a lock) and reuse them.
    mkdir(dir.c_str(), 0700);
    const int lock = open((dir + "/.lock").c_str(), O_CREAT | O_RDWR, 0600);
    if (lock >= 0) flock(lock, LOCK_EX);
    write_file(base + "ca.ext",
               "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    write_file(base + "signer.ext",
               "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    const std::string q = "'";
    const std::string commands[] = {
        "openssl req -x509 " + newkey + " -nodes -days 3650 -subj '/CN=Test Root " + algorithm +
            "/O=acmepolicy tests' -addext basicConstraints=critical,CA:TRUE"
            " -addext keyUsage=critical,keyCertSign,cRLSign -keyout " + q + base + "root.key" + q + " -out " + q +
            base + "root.pem" + q,
        "openssl req " + newkey + " -nodes -subj '/CN=Test Intermediate " + algorithm + "' -keyout " + q + base +
            "int.key" + q + " -out " + q + base + "int.csr" + q,
        "openssl x509 -req -days 3650 -in " + q + base + "int.csr" + q + " -CA " + q + base + "root.pem" + q +
            " -CAkey " + q + base + "root.key" + q + " -set_serial 0x80aa01 -extfile " + q + base + "ca.ext" + q +
            " -out " + q + base + "int.pem" + q,
        "openssl req " + newkey + " -nodes -subj '/CN=Test Signer " + algorithm + "' -keyout " + q + base +
            "signer.key" + q + " -out " + q + base + "signer.csr" + q,
        "openssl x509 -req -days 365 -in " + q + base + "signer.csr" + q + " -CA " + q + base + "int.pem" + q +
            " -CAkey " + q + base + "int.key" + q + " -set_serial 4242 -extfile " + q + base + "signer.ext" + q +
            " -out " + q + base + "signer.pem" + q,
        (algorithm == "rsa" ? "openssl rsa -traditional" : std::string("openssl ec")) + " -in " + q + base +
            "signer.key" + q + " -out " + q + base + "signer.trad.key" + q,
        "openssl pkey -in " + q + base + "signer.key" + q + " -pubout -out " + q + base + "signer.pub" + q,
    };
    // Signers are valid for a year: remake identities older than 30 days so a kept build tree stays green.
    struct stat made {};
    const bool fresh = stat((base + "done").c_str(), &made) == 0 && time(nullptr) - made.st_mtime < 30 * 86400;
    if (!fresh) {
        for (const std::string& c : commands) {
            const ProcessResult r = run_process(c + " 2>&1");
            if (r.exit_code != 0) {
                id.error = c + ": " + r.out;
                break;
            }
        }
        if (id.error.empty()) write_file(base + "done", "1");
    }
    if (lock >= 0) close(lock);  // releases the lock
    if (!id.error.empty()) return id;
    id.root_pem = read_file(base + "root.pem");
    id.intermediate_pem = read_file(base + "int.pem");
    id.signer_pem = read_file(base + "signer.pem");
    id.signer_key_pkcs8 = read_file(base + "signer.key");
    id.signer_key_traditional = read_file(base + "signer.trad.key");
    id.root_path = base + "root.pem";
    id.signer_public_key_path = base + "signer.pub";
    return id;
}

}  // namespace acmepolicy::testing
