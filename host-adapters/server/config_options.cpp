// The options of `acmepolicy serve`: names, value names and help (the one list the command line, the
// environment and the config file are read against), the help text, and the environment it reads.
#include "server/config.hpp"

#include <ostream>

extern char** environ;

namespace acmepolicy::server {

const std::vector<OptionSpec>& option_specs() {
    static const std::vector<OptionSpec> specs = {
        {"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080)"},
        {"database", "URL", "sqlite:PATH (default sqlite:./acmepolicy.db) or postgresql://user@host:port/db"},
        {"admin-token-file", "PATH", "bearer token file; created 0600 with a random token when absent "
                                     "(default: acmepolicy.token beside the SQLite database)"},
        {"identifier-prefix", "PREFIX", "reverse-DNS prefix of profile identifiers (default com.example.acmepolicy)"},
        {"nanomdm-url", "URL", "NanoMDM base URL; commands go to PUT URL/v1/enqueue/ID"},
        {"nanomdm-api-key", "KEY", "NanoMDM API key (Basic auth nanomdm:KEY)"},
        {"micromdm-url", "URL", "MicroMDM base URL; commands go to POST URL/v1/commands/UDID"},
        {"micromdm-api-key", "KEY", "MicroMDM API key (Basic auth micromdm:KEY)"},
        {"webhook-hmac-key", "KEY", "require X-Hmac-Signature (base64 HMAC-SHA-256 of the body) on /webhook; "
                                    "needed when listening beyond loopback"},
        {"insecure-webhook", "", "accept unsigned /webhook events on a non-loopback address (anyone who reaches "
                                 "the port can then forge check-ins)"},
        {"event-retention-days", "D", "journaled webhook events (secrets redacted) are deleted after this many days "
                                      "(default 30)"},
        {"stepca-webhook-secret", "BASE64", "step-ca webhook secret; enables POST /webhook/step-ca"},
        {"signing-cert", "PEM", "certificate that signs every profile served"},
        {"signing-key", "PEM", "private key of --signing-cert"},
        {"signing-chain", "PEM", "intermediate certificates included in signed profiles"},
        {"ddm-base-url", "URL", "base URL of declarative ACME credential documents (default: --mdm-public-url/authproxy)"},
        {"mdm-public-url", "URL", "NanoMDM's public https:// URL; devices fetch credentials from its /authproxy/"},
        {"dm-hmac-key", "KEY", "require NanoMDM's X-Hmac-Signature (-dm-send-hmac-key) on /dm/ requests"},
        {"dm-asset-link-key", "KEY", "serve credential documents by signed, expiring links (Authentication None) at "
                                     "--ddm-base-url, for an MDM without an auth proxy"},
        {"dm-asset-link-days", "D", "a signed link lives between D and 2*D days (default 30)"},
        {"dm-trusted-proxies", "IPS", "comma-separated addresses allowed to call /dm/ and /dm-assets/ (default 127.0.0.1,::1)"},
        {"tls-cert", "PEM", "serve HTTPS with this certificate (needs --tls-key)"},
        {"tls-key", "PEM", "private key of --tls-cert"},
        {"web-root", "DIR", "portal folder served at / (default: the source tree's web/)"},
        {"wasm-root", "DIR", "wasm package folder served at /pkg/ (default: the source tree's build/wasm/pkg/)"},
        {"instance-id", "NAME", "name of this instance in outbox claims (default host:pid)"},
        {"threads", "N", "HTTP worker threads (default 32)"},
        {"request-read-seconds", "S", "a whole request (headers and body) must arrive within this; trickling "
                                      "does not extend it (default 20)"},
        {"retry-base-seconds", "S", "first retry delay of a failed enqueue, doubled per attempt (default 2)"},
        {"retry-max-seconds", "S", "longest retry delay (default 300)"},
        {"poll-seconds", "S", "how often the outbox looks for due commands (default 1)"},
        {"read-connections", "N", "database connections for GET requests beside the writer's (default 4; 0: "
                                  "reads share the writer's)"},
        {"max-send-attempts", "N", "sends of one command to the MDM before it is dead (default 10)"},
        {"mdm-timeout-seconds", "S", "read and write timeout of one enqueue request (default 30)"},
        {"install-retry-seconds", "S", "first re-install after a device answered Error, doubled per attempt "
                                       "(default 3600)"},
        {"max-install-attempts", "N", "installs of one policy version before the assignment is dead (default 5)"},
        {"inventory-interval-hours", "H", "ask every enrolled device for DeviceInformation, ProfileList and "
                                          "CertificateList this often, jittered (default 24; 0: never)"},
        {"renewal-min-interval-hours", "H", "never send a device's profile again for renewal more often (default 6)"},
        {"renewal-timeout-hours", "H", "a renewal whose new certificate does not appear within this is "
                                       "renewal_failed (default 24)"},
        {"renewal-spread-hours", "H", "renewals are spread with a per-device jitter over this (default 12)"},
        {"issuer-chain", "PEM", "the ACME servers' intermediate certificates: device certificates they issue "
                                "are matched to policies through them"},
        {"max-commands-per-minute", "N", "certificate-related commands (inventory, renewals) this instance "
                                         "sends per minute at most (default 600)"},
    };
    return specs;
}

void print_serve_help(std::ostream& out) {
    out << "usage: acmepolicy serve [--config FILE] [OPTIONS]\n\n"
           "Runs the REST API, the portal, the MDM webhook (NanoMDM/MicroMDM) and the command outbox.\n\n"
           "options (each also settable as environment variable ACMEPOLICY_<NAME> or config-file key <name>):\n";
    for (const auto& spec : option_specs()) {
        std::string left = "  --" + spec.name + (spec.value_name.empty() ? "" : " " + spec.value_name);
        if (left.size() < 34) left += std::string(34 - left.size(), ' ');
        else left += "  ";
        out << left << spec.help << "\n";
    }
    out << "  --config FILE                   JSON object of option names to values\n"
           "  --help                          this text\n\n"
           "exit codes: 0 stopped cleanly, 2 bad options or start-up failure\n";
}

std::map<std::string, std::string> acmepolicy_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string::npos || entry.rfind("ACMEPOLICY_", 0) != 0) continue;
        env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

}  // namespace acmepolicy::server
