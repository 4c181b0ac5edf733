// Syntax checks of the identifiers a policy carries: DNS names, IP literals, OIDs, e-mail addresses, URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acmepolicy::validation {

/// A DNS host name: dot-separated labels of letters, digits and hyphens (no hyphen at either end of a
/// label), each 1-63 characters, 253 in all; one trailing dot allowed. `why` (optional) says what is wrong.
bool is_dns_name(std::string_view name, std::string* why = nullptr);

bool is_ipv4_literal(std::string_view text) noexcept;
/// The inside of "[...]": an IPv6 address (RFC 4291 text form, optionally with an IPv4 tail).
bool is_ipv6_literal(std::string_view text) noexcept;

/// A dotted OID: at least two arcs of decimal digits without leading zeros, the first 0-2, the second at
/// most 39 under arcs 0 and 1. `why` (optional) says what is wrong.
bool is_dotted_oid(std::string_view text, std::string* why = nullptr);

/// An RFC 5322 addr-spec (dot-atom or quoted local part, DNS-name or [literal] domain).
bool is_addr_spec(std::string_view text) noexcept;

/// An absolute URI (RFC 3986): a scheme, ":", and a non-empty rest without spaces or control characters.
bool is_absolute_uri(std::string_view text) noexcept;

/// The parts of an absolute hierarchical URL ("scheme://authority/path?query#fragment"), as views into
/// the URL given to split_url.
struct UrlParts {
    std::string_view scheme;  // as written
    std::string_view userinfo;
    bool has_userinfo = false;
    std::string_view host;  // "[...]" kept for IPv6
    std::string_view port;  // digits as written
    bool has_port = false;
    bool has_fragment = false;
};

/// Splits a URL; nullopt (with `why`) when it has no scheme or no "//authority", or holds white space or
/// control characters.
std::optional<UrlParts> split_url(std::string_view url, std::string& why);

}  // namespace acmepolicy::validation
