// Reading and checking the server's settings (config file < environment < command line).
#include "server/config.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "options/arg_scanner.hpp"

namespace acmepolicy::server {

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

    for (const auto& arg : args) {
        if (arg == "--") break;
        if (arg == "--help" || arg == "-h") {
            help = true;
            return std::nullopt;
        }
    }
    // Flags are also accepted with an inline value (--insecure-webhook=false), as in the config file.
    std::vector<std::string> with_value{"--config"}, flags;
    for (const auto& spec : option_specs()) {
        with_value.push_back("--" + spec.name);
        if (spec.value_name.empty()) flags.push_back("--" + spec.name);
    }
    options::ArgScanner scanner(args, "acmepolicy serve", " (see --help)");
    if (!scanner.scan(with_value, flags, err)) return std::nullopt;
    for (const auto& arg : scanner.positional()) {
        err << "acmepolicy serve: unexpected argument '" << arg << "' (options start with --; see --help)\n";
        ok = false;
    }
    for (const auto& [name, value] : scanner.options()) {
        if (name == "--config") config_file = value;
        else cli[name.substr(2)] = value;
    }
    for (const auto& spec : option_specs())
        if (spec.value_name.empty() && scanner.flag("--" + spec.name)) cli[spec.name] = "true";
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
