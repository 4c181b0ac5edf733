// Reading and checking the server's settings (config file < environment < command line).
#include "server/config.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

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

namespace {

std::string env_name(const std::string& option) {
    std::string name = "ACMEPOLICY_";
    for (char c : option) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

bool parse_number(const std::string& text, double& value) {
    try {
        std::size_t used = 0;
        value = std::stod(text, &used);
        return used == text.size() && value >= 0;
    } catch (...) {
        return false;
    }
}

bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

bool is_http_url(const std::string& url) {
    return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

}  // namespace

std::optional<ServerConfig> parse_config(const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& environment,
                                         std::ostream& err, bool& help) {
    help = false;
    std::map<std::string, std::string> values;  // option name → value; later sources overwrite
    std::map<std::string, std::string> source;  // option name → where it came from, for messages
    std::map<std::string, std::string> cli;
    std::optional<std::string> config_file;
    bool ok = true;
    auto known = [](const std::string& name) {
        for (const auto& spec : option_specs())
            if (spec.name == name) return true;
        return false;
    };

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            help = true;
            return std::nullopt;
        }
        if (arg.rfind("--", 0) != 0) {
            err << "acmepolicy serve: unexpected argument '" << arg << "' (options start with --; see --help)\n";
            ok = false;
            continue;
        }
        std::string name = arg.substr(2), value;
        bool flag = false;
        for (const auto& spec : option_specs())
            if (spec.name == name.substr(0, name.find('='))) flag = spec.value_name.empty();
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else if (flag) {
            value = "true";
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            err << "acmepolicy serve: option --" << name << " needs a value\n";
            ok = false;
            continue;
        }
        if (name == "config") {
            config_file = value;
        } else if (known(name)) {
            cli[name] = value;
        } else {
            err << "acmepolicy serve: unknown option --" << name << " (see --help)\n";
            ok = false;
        }
    }
    if (!config_file) {
        if (auto it = environment.find("ACMEPOLICY_CONFIG"); it != environment.end()) config_file = it->second;
    }
    if (config_file) {
        std::ifstream file(*config_file, std::ios::binary);
        if (!file) {
            err << "acmepolicy serve: cannot read config file " << *config_file << "\n";
            return std::nullopt;
        }
        std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        auto doc = nlohmann::json::parse(text, nullptr, false);
        if (doc.is_discarded() || !doc.is_object()) {
            err << "acmepolicy serve: config file " << *config_file
                << " must be a JSON object of option names to values, e.g. {\"listen\": \"127.0.0.1:8080\"}\n";
            return std::nullopt;
        }
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (!known(it.key())) {
                err << "acmepolicy serve: config file " << *config_file << ": unknown key \"" << it.key() << "\"\n";
                ok = false;
                continue;
            }
            if (it->is_string()) values[it.key()] = it->get<std::string>();
            else if (it->is_number()) values[it.key()] = it->dump();
            else if (it->is_boolean()) values[it.key()] = it->get<bool>() ? "true" : "false";
            else {
                err << "acmepolicy serve: config file " << *config_file << ": \"" << it.key()
                    << "\" must be a string or a number\n";
                ok = false;
                continue;
            }
            source[it.key()] = "config file key \"" + it.key() + "\"";
        }
    }
    for (const auto& spec : option_specs()) {
        if (auto it = environment.find(env_name(spec.name)); it != environment.end()) {
            values[spec.name] = it->second;
            source[spec.name] = "environment variable " + env_name(spec.name);
        }
    }
    for (const auto& [name, value] : cli) {
        values[name] = value;
        source[name] = "--" + name;
    }
    auto bad = [&](const std::string& name, const std::string& why) {
        err << "acmepolicy serve: " << source[name] << ": " << why << "\n";
        ok = false;
    };

    ServerConfig c;
    auto get = [&](const std::string& name, std::string& into) {
        if (auto it = values.find(name); it != values.end()) into = it->second;
    };
    if (auto it = values.find("listen"); it != values.end()) {
        const std::string& v = it->second;
        auto colon = v.rfind(':');
        int port = -1;
        if (colon != std::string::npos) {
            try {
                std::size_t used = 0;
                port = std::stoi(v.substr(colon + 1), &used);
                if (used != v.size() - colon - 1) port = -1;
            } catch (...) {
                port = -1;
            }
        }
        if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
            bad("listen", "'" + v + "' is not HOST:PORT (e.g. 127.0.0.1:8080; port 0 picks a free port)");
        } else {
            c.listen_host = v.substr(0, colon);
            c.listen_port = port;
        }
    }
    get("database", c.database);
    if (!c.sqlite() && !c.postgres()) {
        bad("database", "'" + c.database + "' must start with sqlite: (e.g. sqlite:./acmepolicy.db) or postgresql://");
    } else if (c.sqlite() && c.sqlite_path().empty()) {
        bad("database", "sqlite: needs a file path, e.g. sqlite:./acmepolicy.db");
    }
#ifndef ACMEPOLICY_WITH_POSTGRES
    if (c.postgres()) bad("database", "this build has no PostgreSQL support (libpq was not found at build time)");
#endif
    get("admin-token-file", c.admin_token_file);
    if (c.admin_token_file.empty()) {
        std::string dir = ".";
        if (c.sqlite()) {
            auto slash = c.sqlite_path().rfind('/');
            if (slash != std::string::npos) dir = slash == 0 ? "/" : c.sqlite_path().substr(0, slash);
        }
        c.admin_token_file = dir + "/acmepolicy.token";
    }
    get("identifier-prefix", c.identifier_prefix);
    if (c.identifier_prefix.empty() || c.identifier_prefix.find_first_of(" /\t") != std::string::npos)
        bad("identifier-prefix", "'" + c.identifier_prefix + "' must be a reverse-DNS name such as com.example");
    get("nanomdm-url", c.nanomdm_url);
    get("nanomdm-api-key", c.nanomdm_api_key);
    get("micromdm-url", c.micromdm_url);
    get("micromdm-api-key", c.micromdm_api_key);
    while (!c.nanomdm_url.empty() && c.nanomdm_url.back() == '/') c.nanomdm_url.pop_back();
    while (!c.micromdm_url.empty() && c.micromdm_url.back() == '/') c.micromdm_url.pop_back();
    if (!c.nanomdm_url.empty() && !is_http_url(c.nanomdm_url))
        bad("nanomdm-url", "'" + c.nanomdm_url + "' must be an http:// or https:// URL");
    if (!c.micromdm_url.empty() && !is_http_url(c.micromdm_url))
        bad("micromdm-url", "'" + c.micromdm_url + "' must be an http:// or https:// URL");
    if (!c.nanomdm_url.empty() && !c.micromdm_url.empty()) {
        err << "acmepolicy serve: give either --nanomdm-url or --micromdm-url, not both\n";
        ok = false;
    }
    if (!c.nanomdm_url.empty() && c.nanomdm_api_key.empty()) {
        err << "acmepolicy serve: --nanomdm-url needs --nanomdm-api-key\n";
        ok = false;
    }
    if (!c.micromdm_url.empty() && c.micromdm_api_key.empty()) {
        err << "acmepolicy serve: --micromdm-url needs --micromdm-api-key\n";
        ok = false;
    }
    get("webhook-hmac-key", c.webhook_hmac_key);
    get("mdm-public-url", c.mdm_public_url);
    while (!c.mdm_public_url.empty() && c.mdm_public_url.back() == '/') c.mdm_public_url.pop_back();
    if (!c.mdm_public_url.empty() && c.mdm_public_url.rfind("https://", 0) != 0)
        bad("mdm-public-url", "'" + c.mdm_public_url + "' must be an https:// URL: devices fetch credentials only over https");
    get("dm-hmac-key", c.dm_hmac_key);
    get("dm-asset-link-key", c.dm_asset_link_key);
    if (auto it = values.find("dm-trusted-proxies"); it != values.end()) {
        c.dm_trusted_proxies.clear();
        std::string list = it->second + ",";
        for (std::size_t start = 0, comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1)
            if (comma > start) c.dm_trusted_proxies.push_back(list.substr(start, comma - start));
    }
    get("stepca-webhook-secret", c.stepca_webhook_secret);
    for (const char* name : {"signing-cert", "signing-key", "signing-chain", "tls-cert", "tls-key", "issuer-chain"}) {
        auto it = values.find(name);
        if (it != values.end() && !readable(it->second)) bad(name, "cannot read file '" + it->second + "'");
    }
    get("issuer-chain", c.issuer_chain);
    get("signing-cert", c.signing_cert);
    get("signing-key", c.signing_key);
    get("signing-chain", c.signing_chain);
    if (c.signing_cert.empty() != c.signing_key.empty()) {
        err << "acmepolicy serve: --signing-cert and --signing-key go together\n";
        ok = false;
    }
    get("tls-cert", c.tls_cert);
    get("tls-key", c.tls_key);
    if (c.tls_cert.empty() != c.tls_key.empty()) {
        err << "acmepolicy serve: --tls-cert and --tls-key go together\n";
        ok = false;
    }
    get("ddm-base-url", c.ddm_base_url);
    if (!c.ddm_base_url.empty() && !is_http_url(c.ddm_base_url))
        bad("ddm-base-url", "'" + c.ddm_base_url + "' must be an http:// or https:// URL");
    c.web_root = std::string(ACMEPOLICY_SOURCE_DIR) + "/web";
    c.wasm_root = std::string(ACMEPOLICY_SOURCE_DIR) + "/build/wasm/pkg";
    get("web-root", c.web_root);
    get("wasm-root", c.wasm_root);
    get("instance-id", c.instance_id);
    if (c.instance_id.empty()) {
        char host[256] = {0};
        ::gethostname(host, sizeof host - 1);
        c.instance_id = std::string(host) + ":" + std::to_string(::getpid());
    }
    if (auto it = values.find("threads"); it != values.end()) {
        double n = 0;
        if (!parse_number(it->second, n) || n < 1 || n > 256 || n != static_cast<int>(n))
            bad("threads", "'" + it->second + "' must be a whole number from 1 to 256");
        else c.threads = static_cast<int>(n);
    }
    struct Seconds { const char* name; double* into; };
    for (Seconds s : {Seconds{"retry-base-seconds", &c.retry_base_seconds},
                      Seconds{"retry-max-seconds", &c.retry_max_seconds},
                      Seconds{"poll-seconds", &c.poll_seconds},
                      Seconds{"request-read-seconds", &c.request_read_seconds},
                      Seconds{"mdm-timeout-seconds", &c.mdm_timeout_seconds},
                      Seconds{"install-retry-seconds", &c.install_retry_seconds}}) {
        auto it = values.find(s.name);
        if (it == values.end()) continue;
        double v = 0;
        if (!parse_number(it->second, v) || v <= 0 || v > 86400)
            bad(s.name, "'" + it->second + "' must be a number of seconds above 0 (e.g. 0.5)");
        else *s.into = v;
    }
    struct Count { const char* name; int* into; };
    if (auto it = values.find("read-connections"); it != values.end()) {
        double v = 0;
        if (!parse_number(it->second, v) || v > 64 || v != static_cast<int>(v))
            bad("read-connections", "'" + it->second + "' must be a whole number from 0 to 64");
        else c.read_connections = static_cast<int>(v);
    }
    for (Count n : {Count{"max-send-attempts", &c.max_send_attempts}, Count{"max-install-attempts", &c.max_install_attempts}}) {
        auto it = values.find(n.name);
        if (it == values.end()) continue;
        double v = 0;
        if (!parse_number(it->second, v) || v < 1 || v > 1000 || v != static_cast<int>(v))
            bad(n.name, "'" + it->second + "' must be a whole number from 1 to 1000");
        else *n.into = static_cast<int>(v);
    }
    if (auto it = values.find("insecure-webhook"); it != values.end()) {
        if (it->second == "true" || it->second == "1") c.insecure_webhook = true;
        else if (it->second == "false" || it->second == "0" || it->second.empty()) c.insecure_webhook = false;
        else bad("insecure-webhook", "'" + it->second + "' must be true or false");
    }
    if (auto it = values.find("event-retention-days"); it != values.end()) {
        double v = 0;
        if (!parse_number(it->second, v) || v <= 0 || v > 36500)
            bad("event-retention-days", "'" + it->second + "' must be a number of days above 0 (e.g. 30)");
        else c.event_retention_days = v;
    }
    if (auto it = values.find("dm-asset-link-days"); it != values.end()) {
        double v = 0;
        if (!parse_number(it->second, v) || v < 1 || v > 365)
            bad("dm-asset-link-days", "'" + it->second + "' must be a number of days from 1 to 365 (e.g. 30)");
        else c.dm_asset_link_days = v;
    }
    if (!c.dm_asset_link_key.empty() && c.dm_asset_link_key.size() < 16)
        bad("dm-asset-link-key", "the key must be at least 16 characters, or anyone could guess valid links");
    if (!c.dm_asset_link_key.empty() && c.ddm_base_url.rfind("https://", 0) != 0)
        bad("dm-asset-link-key", "signed links need --ddm-base-url: the public https:// URL of this server's "
                                 "/dm-assets (e.g. https://acmepolicy.example.com/dm-assets) that devices can reach");
    // The certificate lifecycle (docs/lifecycle.md): hours may be fractions, for short-lived test certificates.
    struct Hours { const char* name; double* into; bool zero_allowed; };
    for (Hours h : {Hours{"inventory-interval-hours", &c.inventory_interval_hours, true},
                    Hours{"renewal-min-interval-hours", &c.renewal_min_interval_hours, true},
                    Hours{"renewal-timeout-hours", &c.renewal_timeout_hours, false},
                    Hours{"renewal-spread-hours", &c.renewal_spread_hours, true}}) {
        auto it = values.find(h.name);
        if (it == values.end()) continue;
        double v = 0;
        if (!parse_number(it->second, v) || v > 8760 || (!h.zero_allowed && v <= 0))
            bad(h.name, "'" + it->second + "' must be a number of hours from " + (h.zero_allowed ? "0" : "above 0") +
                            " to 8760 (e.g. 0.5)");
        else *h.into = v;
    }
    if (auto it = values.find("max-commands-per-minute"); it != values.end()) {
        double v = 0;
        if (!parse_number(it->second, v) || v < 1 || v > 100000 || v != static_cast<int>(v))
            bad("max-commands-per-minute", "'" + it->second + "' must be a whole number from 1 to 100000");
        else c.max_commands_per_minute = static_cast<int>(v);
    }
    if (ok && !is_loopback_host(c.listen_host) && c.webhook_hmac_key.empty() && !c.insecure_webhook) {
        err << "acmepolicy serve: refusing to listen on " << c.listen_host
            << " without --webhook-hmac-key, because anyone who reaches that address could forge MDM check-ins "
               "(give --webhook-hmac-key KEY, or --insecure-webhook to accept that risk)\n";
        ok = false;
    }
    if (!ok) return std::nullopt;
    return c;
}

bool is_loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1" || host == "[::1]") return true;
    // 127.0.0.0/8 written as a dotted quad.
    if (host.rfind("127.", 0) != 0) return false;
    int dots = 0;
    for (char ch : host) {
        if (ch == '.') ++dots;
        else if (ch < '0' || ch > '9') return false;
    }
    return dots == 3;
}

}  // namespace acmepolicy::server
