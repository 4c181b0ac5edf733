// The server's settings: read from a config file, the environment and the command line (in that order of
// precedence, lowest first), then checked once at start so bad values fail before anything listens.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace acmepolicy::server {

struct ServerConfig {
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;
    std::string database = "sqlite:./acmepolicy.db";  // "sqlite:PATH" or "postgresql://..."
    std::string admin_token_file;                      // default: beside the SQLite file (or ./)
    std::string identifier_prefix = "com.example.acmepolicy";
    std::string nanomdm_url, nanomdm_api_key;
    std::string micromdm_url, micromdm_api_key;
    std::string webhook_hmac_key;
    std::string stepca_webhook_secret;  // base64, as step-ca hands it out
    std::string signing_cert, signing_key, signing_chain;  // PEM file paths
    std::string ddm_base_url;
    std::string mdm_public_url;  // NanoMDM's public URL: credential documents are fetched at its /authproxy/
    std::string dm_hmac_key;     // NanoMDM's -dm-send-hmac-key, verified on /dm/ requests
    std::string dm_asset_link_key;     // signs expiring links to credential documents (no auth proxy)
    double dm_asset_link_days = 30.0;  // period of those links: each lives one to two periods
    std::vector<std::string> dm_trusted_proxies = {"127.0.0.1", "::1"};  // who may call /dm/ and /dm-assets/
    std::string tls_cert, tls_key;  // PEM file paths
    std::string web_root, wasm_root;
    std::string instance_id;  // names this process in outbox claims; default host:pid
    int threads = 32;  // more workers than a handful of slow clients can hold (each is cut at its deadline)
    double request_read_seconds = 20.0;
    int read_connections = 4;  // database connections for read-only requests, beside the one writer
    int max_send_attempts = 10;             // sends of one command before it is dead
    double install_retry_seconds = 3600.0;  // first re-install after a device Error, doubled per attempt
    int max_install_attempts = 5;           // installs of one policy version before the assignment is dead
    double mdm_timeout_seconds = 30.0;      // read/write timeout of one enqueue request
    bool insecure_webhook = false;       // allow an unsigned /webhook on a non-loopback address
    double event_retention_days = 30.0;  // journaled webhook events older than this are deleted  // a whole request (headers and body) must arrive within this
    double retry_base_seconds = 2.0;   // first retry delay of a failed enqueue, doubled each attempt
    double retry_max_seconds = 300.0;  // cap of that delay
    double poll_seconds = 1.0;         // how often the outbox looks for due commands
    // The certificate lifecycle (docs/lifecycle.md).
    double inventory_interval_hours = 24.0;   // DeviceInformation/ProfileList/CertificateList cadence; 0: never
    double renewal_min_interval_hours = 6.0;  // never re-send a profile for renewal more often
    double renewal_timeout_hours = 24.0;      // no new certificate within this: renewal_failed
    double renewal_spread_hours = 12.0;       // per-device jitter of scheduled renewals
    int max_commands_per_minute = 600;        // certificate-related commands of this instance
    std::string issuer_chain;  // PEM file: the ACME server's intermediates, for matching certificates to policies

    bool sqlite() const { return database.rfind("sqlite:", 0) == 0; }
    bool postgres() const {
        return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
    }
    std::string sqlite_path() const { return sqlite() ? database.substr(7) : std::string(); }
};

/// One option as documented by --help: its name, the environment variable and the config-file key.
struct OptionSpec {
    std::string name;  // "listen" for --listen
    std::string value_name;  // "" for a flag (given alone; "true"/"false" in the environment or config file)
    std::string help;
};
const std::vector<OptionSpec>& option_specs();

/// Writes the usage text of `acmepolicy serve`.
void print_serve_help(std::ostream& out);

/// Builds the configuration from argv-style arguments (without the subcommand), the environment
/// (ACMEPOLICY_<NAME> with '-' as '_', upper case) and an optional `--config FILE` (JSON object whose keys
/// are option names). Returns nullopt after writing one clear sentence per problem to `err`.
/// `help` is set when --help was given (nothing else is checked then).
std::optional<ServerConfig> parse_config(const std::vector<std::string>& args,
                                         const std::map<std::string, std::string>& environment,
                                         std::ostream& err, bool& help);

/// Whether `host` names only this machine (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

/// The process environment as a map (only ACMEPOLICY_* variables).
std::map<std::string, std::string> acmepolicy_environment();

}  // namespace acmepolicy::server
