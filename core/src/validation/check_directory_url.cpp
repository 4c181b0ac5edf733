// Rule 4: DirectoryURL is an absolute https URL that a device can reach.
#include <string>

#include "validation/codes.hpp"
#include "validation/rules.hpp"
#include "validation/syntax.hpp"
#include "validation/text.hpp"

namespace acmepolicy::validation {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
const char* const kPath = "/payload/DirectoryURL";

void check_host(std::string_view host, Report& report) {
    if (host.empty()) {
        emit(report, Code::directoryurl_host, kPath,
             "DirectoryURL has no host: write the ACME server's name after https://, like https://acme.example.com/directory.");
        return;
    }
    if (host.front() == '[') {
        if (host.back() != ']' || !is_ipv6_literal(host.substr(1, host.size() - 2)))
            emit(report, Code::directoryurl_host, kPath,
                 "DirectoryURL's host " + quote_text(host) + " is not a valid IPv6 literal (like [2001:db8::1]).");
        return;
    }
    if (is_ipv4_literal(host)) return;
    std::string why;
    if (!is_dns_name(host, &why))
        emit(report, Code::directoryurl_host, kPath,
             "DirectoryURL's host " + quote_text(host) + " is not a valid DNS name or IP address: " + why + ".");
}

}  // namespace

void check_directory_url(const PolicyDraft& draft, Report& report) {
    if (!draft.has_directory_url) return;
    const std::string& url = draft.policy.payload.directory_url;
    if (url.size() > kMaxUrlBytes) {
        emit(report, Code::directoryurl_too_long, kPath,
             "DirectoryURL is " + std::to_string(url.size()) + " bytes long; the limit is 2,048.");
        return;
    }
    std::string why;
    const auto parts = split_url(url, why);
    if (!parts) {
        emit(report, Code::directoryurl_invalid, kPath,
             "DirectoryURL " + quote_text(url) + " is not an absolute URL: " + why + ".");
        return;
    }
    if (!iequals(parts->scheme, "https")) {
        emit(report, Code::directoryurl_scheme, kPath,
             "DirectoryURL uses the scheme " + quote_text(parts->scheme) +
                 ", but Apple requires the https scheme for the ACME directory URL: make it start with https://.");
    }
    if (parts->has_userinfo)
        emit(report, Code::directoryurl_userinfo, kPath,
             "DirectoryURL carries a user name or password before the host (\"...@\"); remove it: devices "
             "authenticate to the ACME server with ClientIdentifier and attestation, not with URL credentials.");
    check_host(parts->host, report);
    if (parts->has_port) {
        bool ok = !parts->port.empty() && parts->port.size() <= 5;
        long value = 0;
        for (char c : parts->port) {
            ok = ok && c >= '0' && c <= '9';
            if (ok) value = value * 10 + (c - '0');
        }
        if (!ok || value < 1 || value > 65535)
            emit(report, Code::directoryurl_port, kPath,
                 "DirectoryURL's port " + quote_text(parts->port) +
                     " is not a number from 1 to 65535; fix it or leave it out to use 443.");
    }
    if (parts->has_fragment)
        emit(report, Code::directoryurl_fragment, kPath,
             "DirectoryURL has a \"#...\" fragment; remove it, an ACME directory URL has none.");
}

}  // namespace acmepolicy::validation
