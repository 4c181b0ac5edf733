// Guarded connections: a keep-alive loop over cpp-httplib's request processing with our own stream, so
// deadlines are absolute and the body cap holds while reading (see connection.hpp).
#include "server/connection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

namespace acmepolicy::server {

namespace {

using Clock = std::chrono::steady_clock;

/// Headers may add this much to a request beyond its body cap (httplib bounds each header line itself).
constexpr std::size_t kHeaderAllowance = 64 * 1024;

class GuardedStream final : public httplib::Stream {
public:
    GuardedStream(int fd, SSL* ssl, const ConnectionLimits& limits) : fd_(fd), ssl_(ssl), limits_(limits) {}

    /// A new request starts: its deadline and byte budget start now.
    void begin_request() {
        read_deadline_ = Clock::now() + limits_.request_read;
        write_deadline_.reset();
        request_bytes_ = 0;
        over_cap_ = false;
        timed_out_ = false;
    }
    void refuse_reading() { refused_ = true; }
    bool discard(std::size_t bytes) {
        while (bytes > 0) {
            if (pos_ == len_ && !fill()) return false;
            std::size_t n = std::min(bytes, len_ - pos_);
            pos_ += n;
            bytes -= n;
        }
        return true;
    }
    bool refused() const { return refused_; }
    bool over_cap() const { return over_cap_; }
    bool timed_out() const { return timed_out_; }
    bool has_buffered() const { return pos_ < len_ || (ssl_ && SSL_pending(ssl_) > 0); }

    bool is_readable() const override { return has_buffered() || wait(POLLIN, read_deadline_); }
    bool is_writable() const override { return wait(POLLOUT, current_write_deadline()); }

    ssize_t read(char* ptr, std::size_t size) override {
        if (refused_ || size == 0) return -1;
        if (pos_ == len_) {
            if (!fill()) return -1;
        }
        std::size_t n = std::min(size, len_ - pos_);
        if (request_bytes_ + n > limits_.max_body + kHeaderAllowance) {
            over_cap_ = true;
            refused_ = true;
            return -1;
        }
        std::memcpy(ptr, buffer_ + pos_, n);
        pos_ += n;
        request_bytes_ += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, std::size_t size) override {
        auto deadline = current_write_deadline();
        if (!wait(POLLOUT, deadline)) return -1;
        set_socket_timeout(SO_SNDTIMEO, deadline);
        if (ssl_) {
            int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
            return n > 0 ? n : -1;
        }
        ssize_t n;
        do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
    socket_t socket() const override { return fd_; }

private:
    Clock::time_point current_write_deadline() const {
        if (!write_deadline_) write_deadline_ = Clock::now() + limits_.write;
        return *write_deadline_;
    }

    /// Waits until the socket is ready or the deadline passes (EINTR does not extend it).
    bool wait(short events, Clock::time_point deadline) const {
        while (true) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                if (events == POLLIN) timed_out_ = true;
                return false;
            }
            pollfd p{fd_, events, 0};
            int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1'000'000)));
            if (r > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
            if (r < 0 && errno != EINTR) return false;
        }
    }

    void set_socket_timeout(int option, Clock::time_point deadline) const {
        auto left = std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count());
        timeval tv{static_cast<time_t>(left / 1'000'000), static_cast<suseconds_t>(left % 1'000'000)};
        ::setsockopt(fd_, SOL_SOCKET, option, &tv, sizeof tv);
    }

    bool fill() {
        pos_ = len_ = 0;
        if (!(ssl_ && SSL_pending(ssl_) > 0) && !wait(POLLIN, read_deadline_)) return false;
        // A TLS record may arrive in pieces: the socket timeout keeps SSL_read inside the deadline too.
        set_socket_timeout(SO_RCVTIMEO, read_deadline_);
        ssize_t n;
        if (ssl_) {
            n = SSL_read(ssl_, buffer_, sizeof buffer_);
        } else {
            do n = ::recv(fd_, buffer_, sizeof buffer_, 0);
            while (n < 0 && errno == EINTR);
        }
        if (n <= 0) {
            if (Clock::now() >= read_deadline_) timed_out_ = true;
            return false;
        }
        len_ = static_cast<std::size_t>(n);
        return true;
    }

    void address(bool remote, std::string& ip, int& port) const {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        int r = remote ? ::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len)
                       : ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        if (r != 0) return;
        char host[NI_MAXHOST] = {0};
        char service[NI_MAXSERV] = {0};
        if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, service, sizeof service,
                          NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
            ip = host;
            port = std::atoi(service);
        }
    }

    int fd_;
    SSL* ssl_;
    const ConnectionLimits& limits_;
    char buffer_[16 * 1024];
    std::size_t pos_ = 0, len_ = 0;
    std::size_t request_bytes_ = 0;
    Clock::time_point read_deadline_ = Clock::now();
    mutable std::optional<Clock::time_point> write_deadline_;
    bool refused_ = false, over_cap_ = false;
    mutable bool timed_out_ = false;
};

thread_local GuardedStream* current_stream = nullptr;

/// The keep-alive loop shared by both servers. `stopping` says the server is shutting down.
template <typename Process, typename Stopping>
void serve_connection(GuardedStream& stream, int fd, const ConnectionLimits& limits, Process process,
                      Stopping stopping) {
    current_stream = &stream;
    for (std::size_t count = limits.keep_alive_max; count > 0; --count) {
        // The first request gets the request deadline to begin; later ones the keep-alive idle time.
        auto idle_until = Clock::now() + (count == limits.keep_alive_max ? limits.request_read : limits.keep_alive);
        bool ready = stream.has_buffered();
        while (!ready && !stopping() && Clock::now() < idle_until) {
            pollfd p{fd, POLLIN, 0};
            int r = ::poll(&p, 1, 100);
            if (r > 0) ready = true;
            else if (r < 0 && errno != EINTR) break;
        }
        if (!ready || stopping()) break;
        stream.begin_request();
        bool closed = false;
        bool ok = process(stream, count == 1, closed);
        if (!ok || closed || stream.refused()) break;
    }
    current_stream = nullptr;
}

class GuardedServer final : public httplib::Server {
public:
    explicit GuardedServer(const ConnectionLimits& limits) : limits_(limits) {}

private:
    bool process_and_close_socket(socket_t sock) override {
        {
            GuardedStream stream(sock, nullptr, limits_);
            serve_connection(
                stream, sock, limits_,
                [this](GuardedStream& s, bool close, bool& closed) { return process_request(s, close, closed, nullptr); },
                [this] { return svr_sock_ == INVALID_SOCKET; });
        }
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        return true;
    }

    ConnectionLimits limits_;
};

class GuardedTlsServer final : public httplib::SSLServer {
public:
    GuardedTlsServer(const ConnectionLimits& limits, const std::string& cert, const std::string& key)
        : httplib::SSLServer(cert.c_str(), key.c_str()), limits_(limits) {}

private:
    bool process_and_close_socket(socket_t sock) override {
        SSL* ssl = SSL_new(ssl_context());
        if (ssl) {
            SSL_set_fd(ssl, sock);
            // The handshake is part of the first request's deadline.
            timeval tv{static_cast<time_t>(limits_.request_read.count() / 1000),
                       static_cast<suseconds_t>((limits_.request_read.count() % 1000) * 1000)};
            ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            ::setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            if (SSL_accept(ssl) == 1) {
                GuardedStream stream(sock, ssl, limits_);
                serve_connection(
                    stream, sock, limits_,
                    [this, ssl](GuardedStream& s, bool close, bool& closed) {
                        return process_request(s, close, closed, [ssl](httplib::Request& req) { req.ssl = ssl; });
                    },
                    [this] { return svr_sock_ == INVALID_SOCKET; });
                SSL_shutdown(ssl);
            }
            SSL_free(ssl);
        }
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        return true;
    }

    ConnectionLimits limits_;
};

}  // namespace

std::unique_ptr<httplib::Server> make_guarded_server(const ConnectionLimits& limits) {
    return std::make_unique<GuardedServer>(limits);
}

std::unique_ptr<httplib::Server> make_guarded_tls_server(const ConnectionLimits& limits, const std::string& cert_pem_path,
                                                         const std::string& key_pem_path) {
    auto server = std::make_unique<GuardedTlsServer>(limits, cert_pem_path, key_pem_path);
    if (!server->is_valid()) return nullptr;
    return server;
}

void close_after_answer() {
    if (current_stream) current_stream->refuse_reading();
}

bool discard_request_body(std::size_t bytes) { return current_stream && current_stream->discard(bytes); }

bool request_body_over_cap() { return current_stream && current_stream->over_cap(); }
bool request_timed_out() { return current_stream && current_stream->timed_out(); }

}  // namespace acmepolicy::server
