// Start-up and the HTTP front: request ids, JSON access logs, bearer auth, body cap (static files:
// static_files.cpp; the admin token: admin_token.cpp).
#include "server/serve.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <sys/stat.h>
#include <thread>

#include <httplib.h>

#include "acmepolicy/api.hpp"
#include "acmepolicy/crypto.hpp"
#include "server/admin_token.hpp"
#include "server/connection.hpp"
#include "server/context.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/mdm_webhook.hpp"
#include "server/outbox.hpp"
#include "server/rest_api.hpp"
#include "server/rest_certificates.hpp"
#include "server/rest_outbox.hpp"
#include "server/router.hpp"
#include "server/static_files.hpp"
#include "server/declarative.hpp"
#include "server/stepca_webhook.hpp"
#include "server/request_context.hpp"
#include "server/rest_audit.hpp"
#include "server/rest_repush.hpp"
#include "server/tokens.hpp"

namespace acmepolicy::server {
namespace {

/// cpp-httplib compresses with brotli whenever a client offers it, and its brotli setting takes seconds
/// for a large answer (7.6 s for a 1.6 MB device list, against 0.33 s with gzip). Offering the library only
/// gzip keeps every answer fast. The request is ours to adjust here: httplib hands it to the pre-routing
/// handler before anything reads its headers.
void prefer_gzip(httplib::Request& req) {
    auto range = req.headers.equal_range("Accept-Encoding");
    for (auto it = range.first; it != range.second; ++it) {
        std::string kept;
        std::size_t start = 0;
        const std::string& value = it->second;
        while (start <= value.size()) {
            std::size_t comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            std::string token = value.substr(start, comma - start);
            const auto first = token.find_first_not_of(" \t");
            const std::string name = first == std::string::npos ? "" : token.substr(first, token.find(';', first) - first);
            if (name != "br" && !name.empty()) kept += (kept.empty() ? "" : ", ") + token.substr(first);
            start = comma + 1;
        }
        it->second = kept;
    }
}

}  // namespace


int reconcile_devices(ServerContext& ctx, Db& db, const std::vector<std::string>& device_ids) {
    return ctx.engine->reconcile(db, device_ids);
}

void wake_outbox(ServerContext& ctx) {
    if (ctx.outbox) ctx.outbox->wake();
}

namespace {

constexpr std::size_t kMaxBody = kMaxBodyBytes;
/// Over-cap bodies up to this size are read and dropped before the 413 (see the pre-routing handler).
constexpr std::size_t kDrainLimit = 8 * kMaxBody;

/// Every answer carries these: nothing is sniffed into another type, and the portal's pages may load
/// only their own scripts, styles, wasm and API (no inline script, no framing).
void set_security_headers(httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
                   "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    res.set_header("Referrer-Policy", "no-referrer");
}

/// The scope of the request's bearer token: the admin token file's token is `admin`; other tokens come
/// from the store (tokens.hpp). nullopt when there is no valid token.
std::optional<std::string> bearer_scope(ServerContext& ctx, const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.rfind(prefix, 0) != 0) return std::nullopt;
    const std::string token = auth.substr(prefix.size());
    if (crypto::constant_time_equal(token, ctx.admin_token)) {
        current_caller() = {"admin token file", "admin", ""};
        return std::string("admin");
    }
    try {
        auto found = token_identity(*ctx.store, token);
        if (!found) return std::nullopt;
        current_caller() = {found->name, found->scope, found->id};
        return found->scope;
    } catch (const DbError&) {
        return std::nullopt;
    }
}

thread_local std::chrono::steady_clock::time_point request_start;

std::string new_request_id() {
    return crypto::to_hex(reinterpret_cast<const std::uint8_t*>(random_bytes(8).data()), 8);
}

std::optional<SigningMaterial> load_signing(const ServerConfig& config) {
    if (config.signing_cert.empty()) return std::nullopt;
    SigningMaterial m;
    auto cert = read_file(config.signing_cert);
    auto key = read_file(config.signing_key);
    if (!cert || !key) throw std::runtime_error("cannot read --signing-cert or --signing-key");
    m.certificate_pem = *cert;
    m.key_pem = *key;
    if (!config.signing_chain.empty()) {
        auto chain = read_file(config.signing_chain);
        if (!chain) throw std::runtime_error("cannot read --signing-chain " + config.signing_chain);
        m.chain_pem = *chain;
    }
    return m;
}

}  // namespace

int run_server(const ServerConfig& config, std::ostream& out, std::ostream& err) {
    // SIGINT/SIGTERM are taken by a waiting thread (set before any thread starts so all inherit the mask).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    ServerContext ctx;
    ctx.config = config;
    ctx.version = nlohmann::json::parse(api_version().json).value("version", "");
    try {
        ctx.store = Store::open(config.database);
        // Reads (GETs, token checks) run on their own connections beside the one writer.
        ctx.store->open_readers(config.read_connections);
        ctx.admin_token = load_or_create_token(config.admin_token_file);
        RenderOptions options;
        options.identifier_prefix = config.identifier_prefix;
        if (!config.ddm_base_url.empty()) options.ddm_base_url = config.ddm_base_url;
        else if (!config.mdm_public_url.empty()) options.ddm_base_url = config.mdm_public_url + "/authproxy";
        // Signed links are themselves the credential: the device fetches them without MDM authentication.
        if (!config.dm_asset_link_key.empty()) options.ddm_authentication = "None";
        options.signing = load_signing(config);
        options.client_token_secret = ctx.store->transaction([&](Db& db) {
            return ctx.store->setting_or_create(db, "client_token_secret", crypto::base64url_encode(random_bytes(32)));
        });
        ctx.engine = std::make_unique<Engine>(*ctx.store, options);
        if (!config.dm_asset_link_key.empty())
            ctx.engine->set_asset_links(config.dm_asset_link_key,
                                        static_cast<std::int64_t>(config.dm_asset_link_days * 86400));
    } catch (const std::exception& e) {
        log_error("cannot start", {{"error", e.what()}});
        err << "acmepolicy serve: " << e.what() << "\n";
        return 2;
    }

    ConnectionLimits limits;
    limits.request_read = std::chrono::milliseconds(static_cast<std::int64_t>(config.request_read_seconds * 1000));
    limits.max_body = kMaxBody;
    std::unique_ptr<httplib::Server> http;
    if (!config.tls_cert.empty()) {
        http = make_guarded_tls_server(limits, config.tls_cert, config.tls_key);
        if (!http) {
            err << "acmepolicy serve: cannot use --tls-cert/--tls-key (not a matching PEM certificate and key)\n";
            return 2;
        }
    } else {
        http = make_guarded_server(limits);
    }
    const int threads = config.threads;
    http->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    http->set_payload_max_length(kMaxBody);
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm holds the body until
    // the client's delayed ACK (~40 ms on Linux) and every keep-alive answer waits that long.
    http->set_tcp_nodelay(true);

    Router router;
    add_rest_routes(router, ctx);
    add_outbox_routes(router, ctx);
    add_certificate_routes(router, ctx);
    router.add("POST", "/webhook", [&ctx](const httplib::Request& req, httplib::Response& res, const Params&) {
        WebhookReply reply = handle_mdm_webhook(ctx, req.body, req.get_header_value("X-Hmac-Signature"));
        send_json(res, reply.status, reply.body);
    });
    add_stepca_route(router, ctx);
    add_declarative_routes(router, ctx);
    add_audit_routes(router, ctx);
    add_repush_route(router, ctx);

    // Runs once the headers are read and before any body byte is: requests that cannot succeed (no valid
    // token, a declared body over the cap) are answered without reading their body.
    http->set_pre_routing_handler([&ctx, &router](const httplib::Request& req, httplib::Response& res) {
        request_start = std::chrono::steady_clock::now();
        reset_request_context();
        prefer_gzip(const_cast<httplib::Request&>(req));
        std::string id = req.get_header_value("X-Request-Id");
        if (id.empty() || id.size() > 64 ||
            id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
            id = new_request_id();
        res.set_header("X-Request-Id", id);
        set_security_headers(res);
        std::optional<std::size_t> declared;
        if (req.has_header("Content-Length")) {
            const std::string length = req.get_header_value("Content-Length");
            if (length.size() > 12 || length.find_first_not_of("0123456789") != std::string::npos ||
                std::stoull("0" + length) > kMaxBody) {
                // A modest excess is read and dropped so the client sees the 413; a huge one is not read.
                if (length.size() <= 12 && length.find_first_not_of("0123456789") == std::string::npos &&
                    std::stoull("0" + length) <= kDrainLimit)
                    discard_request_body(static_cast<std::size_t>(std::stoull("0" + length)));
                close_after_answer();
                send_error(res, 413, "request.too_large", "The request body is over 1 MiB.");
                return httplib::Server::HandlerResponse::Handled;
            }
            declared = static_cast<std::size_t>(std::stoull("0" + length));
        }
        const bool api = req.path.rfind("/api/", 0) == 0;
        if (api && req.path != "/api/v1/health") {
            auto scope = bearer_scope(ctx, req);
            if (!scope || !scope_allows(*scope, req.method, raw_path(req))) {
                if (declared) discard_request_body(*declared);  // within the cap: let the client read the answer
                close_after_answer();
                if (!scope) {
                    res.set_header("WWW-Authenticate", "Bearer");
                    send_error(res, 401, "auth.required", "Send a valid bearer token as Authorization: Bearer <token>.");
                } else {
                    send_error(res, 403, "auth.forbidden",
                               "This token's scope (" + *scope + ") does not allow " + req.method + " on this path.");
                }
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        // cpp-httplib answers a method it does not route (TRACE, CONNECT, ...) 400 without reading its body,
        // which the kept-alive connection would then read as the next request: answer here, and close.
        static const std::set<std::string> kRouted = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
        if (!kRouted.count(req.method)) {
            if (declared) discard_request_body(*declared);
            close_after_answer();
            std::string allowed = router.allowed_methods(raw_path(req));
            if (allowed.empty() && api) {
                send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
            } else {
                if (allowed.empty()) allowed = "GET, HEAD";  // the portal's static files
                res.set_header("Allow", allowed);
                send_error(res, 405, "http.method_not_allowed",
                           req.method + " is not allowed on " + req.path + "; use " + allowed + ".");
            }
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    auto handler = [&ctx, &router](const httplib::Request& req, httplib::Response& res) {
        try {
            const bool api = req.path.rfind("/api/", 0) == 0;
            if (req.body.size() > kMaxBody)  // a chunked body within the wire allowance but over the cap
                return send_error(res, 413, "request.too_large", "The request body is over 1 MiB.");
            if (router.dispatch(req, res)) {
                if (api) record_rest_write(ctx, req, res);
                return;
            }
            if (!api && req.path.rfind("/webhook", 0) != 0 && serve_static(ctx.config, req, res)) return;
            send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
        } catch (const DbError& e) {
            log_error("store failure", {{"path", req.path}, {"error", e.what()}});
            send_error(res, 503, "store.unavailable", "The database is unavailable; retry later.");
        } catch (const std::exception& e) {
            log_error("internal error", {{"path", req.path}, {"error", e.what()}});
            send_error(res, 500, "internal.error", "The server failed to answer; see its log.");
        }
    };
    for (auto method : {&httplib::Server::Get, &httplib::Server::Post, &httplib::Server::Put,
                        &httplib::Server::Delete, &httplib::Server::Patch, &httplib::Server::Options})
        (http.get()->*method)("[\\s\\S]*", handler);  // ".*" would miss paths with a CR or LF
    http->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        set_security_headers(res);
        if (request_body_over_cap()) {
            res.status = 413;
            res.body.clear();
        } else if (request_timed_out()) {
            res.status = 408;
            res.body.clear();
            res.set_header("Connection", "close");
        }
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 408)
            send_error(res, 408, "request.timeout", "The request did not arrive in time.");
        else if (res.status == 413)
            send_error(res, 413, "request.too_large", "The request body is over 1 MiB.");
        else if (res.status == 404)
            send_error(res, 404, "http.not_found", "Nothing is at " + req.path + ".");
        else {
            // cpp-httplib could not read the request: what follows on the connection is no request either.
            close_after_answer();
            res.set_header("Connection", "close");
            send_error(res, res.status, "http.error", "The request could not be handled (HTTP " + std::to_string(res.status) + ").");
        }
        return httplib::Server::HandlerResponse::Handled;
    }));
    http->set_logger([](const httplib::Request& req, const httplib::Response& res) {
        auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start).count();
        log_info("request", {{"request_id", res.get_header_value("X-Request-Id")}, {"method", req.method},
                             {"path", req.path}, {"status", res.status}, {"duration_ms", std::round(ms * 100) / 100},
                             {"remote", req.remote_addr}});
    });

    int port = config.listen_port;
    if (port == 0) port = http->bind_to_any_port(config.listen_host);
    else if (!http->bind_to_port(config.listen_host, port)) port = -1;
    if (port <= 0) {
        err << "acmepolicy serve: cannot listen on " << config.listen_host << ":" << config.listen_port
            << " (in use, or not an address of this machine)\n";
        return 2;
    }

    Outbox outbox(ctx);
    ctx.outbox = &outbox;
    outbox.start();

    const std::string scheme = config.tls_cert.empty() ? "http" : "https";
    const std::string url = scheme + "://" + config.listen_host + ":" + std::to_string(port) + "/";
    nlohmann::json started = {{"url", url}, {"database", config.sqlite() ? config.database : std::string("postgresql")},
                              {"instance", config.instance_id}, {"token_file", config.admin_token_file},
                              {"mdm", !config.nanomdm_url.empty() ? "nanomdm" : !config.micromdm_url.empty() ? "micromdm" : "none"},
                              {"webhook_hmac", !config.webhook_hmac_key.empty()}};
    log_info("listening", started);
    out << "acmepolicy serve: listening on " << url << " (admin token in " << config.admin_token_file << ")" << std::endl;

    std::atomic<bool> signalled{false};
    std::thread signal_thread([&http, &signalled, signals] {
        int received = 0;
        sigwait(&signals, &received);
        signalled = true;
        log_info("stopping", {{"signal", received}});
        http->stop();
    });
    bool ok = http->listen_after_bind();
    // listen ended without a signal (an error): wake the waiting thread so it can end.
    if (!signalled) pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    outbox.stop();
    ctx.outbox = nullptr;
    log_info("stopped", {{"clean", ok}});
    return ok ? 0 : 2;
}

}  // namespace acmepolicy::server
