// Syntax checks of DNS names, IP literals, OIDs, e-mail addresses and URLs (see syntax.hpp).
#include "validation/syntax.hpp"

#include "validation/scan.hpp"


namespace acmepolicy::validation {
namespace {

bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }
bool is_alpha(char c) noexcept { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
// A DNS label's letters, digits and hyphens, as one table lookup per byte.
struct LdhTable {
    bool ldh[256];
    constexpr LdhTable() : ldh() {
        for (int c = 0; c < 256; ++c)
            ldh[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }
};
constexpr LdhTable kLdh;
// Bytes a URI may not hold as they are: white space, controls, DEL and "<>\\^`{|}.
struct UriForbiddenTable {
    bool forbidden[256];
    constexpr UriForbiddenTable() : forbidden() {
        for (int c = 0; c < 256; ++c)
            forbidden[c] = c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
                           c == '`' || c == '{' || c == '|' || c == '}';
    }
};
constexpr UriForbiddenTable kUriForbidden;
bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

void set(std::string* why, const char* text) {
    if (why) *why = text;
}

}  // namespace

bool is_dns_name(std::string_view name, std::string* why) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty()) return set(why, "it is empty"), false;
    if (name.size() > 253) return set(why, "it is longer than 253 characters"), false;
    // Label by label in one pass (no search for the dot): each label's checks in the order above.
    const char* p = name.data();
    const char* const end = p + name.size();
    while (true) {
        const char* const label = p;
        const char* bad = nullptr;  // the label's first byte that is not a letter, digit or hyphen
        for (; p != end && *p != '.'; ++p)
            if (!kLdh.ldh[static_cast<unsigned char>(*p)] && !bad) bad = p;
        const auto size = static_cast<std::size_t>(p - label);
        if (size == 0) return set(why, "it has an empty label (two dots in a row, or a leading dot)"), false;
        if (size > 63) return set(why, "a label is longer than 63 characters"), false;
        if (bad) {
            if (static_cast<unsigned char>(*bad) >= 0x80)
                return set(why, "it holds non-ASCII characters (write an internationalised name in its xn-- form)"), false;
            return set(why, "labels may hold only letters, digits and hyphens"), false;
        }
        if (*label == '-' || p[-1] == '-') return set(why, "a label starts or ends with a hyphen"), false;
        if (p == end) return true;
        ++p;  // the dot
    }
}

// Calls part(piece) for each separator-delimited piece of `text` until it returns false; the number of
// pieces seen, or 0 when one was refused. No pieces are stored.
template <typename Part>
std::size_t each_part(std::string_view text, char separator, Part&& part) {
    std::size_t count = 0;
    std::size_t start = 0;
    while (true) {
        // A byte loop rather than find: the pieces are short, and a WebAssembly memchr is a byte loop too.
        std::size_t at = start;
        while (at < text.size() && text[at] != separator) ++at;
        if (at == text.size()) at = std::string_view::npos;
        ++count;
        if (!part(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start), count))
            return 0;
        if (at == std::string_view::npos) return count;
        start = at + 1;
    }
}

bool is_ipv4_literal(std::string_view text) noexcept {
    // The same checks as on split pieces, with "exactly four" tested as the pieces go by.
    const std::size_t pieces = each_part(text, '.', [](std::string_view part, std::size_t index) {
        if (index > 4) return false;
        if (part.empty() || part.size() > 3) return false;
        if (part.size() > 1 && part[0] == '0') return false;
        unsigned value = 0;
        for (char c : part) {
            if (!is_digit(c)) return false;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        return value <= 255;
    });
    return pieces == 4;
}

bool is_ipv6_literal(std::string_view text) noexcept {
    if (text.empty()) return false;
    std::size_t groups = 0;
    bool compressed = false;
    // An embedded IPv4 address may end the literal and counts for two groups.
    const std::size_t last_colon = text.rfind(':');
    if (last_colon == std::string_view::npos) return false;
    std::string_view head = text;
    if (text.find('.', last_colon) != std::string_view::npos) {
        if (!is_ipv4_literal(text.substr(last_colon + 1))) return false;
        groups += 2;
        head = text.substr(0, last_colon + 1);
        if (head.size() >= 2 && head.substr(head.size() - 2) == "::") {
            // "::ffff:1.2.3.4"-style: keep the double colon, drop nothing more.
        } else {
            head.remove_suffix(1);
        }
    }
    std::size_t i = 0;
    if (head.substr(0, 2) == "::") {
        compressed = true;
        i = 2;
    } else if (!head.empty() && head[0] == ':') {
        return false;
    }
    while (i < head.size()) {
        std::size_t digits = 0;
        while (i < head.size() && is_hex(head[i]) && digits < 5) ++i, ++digits;
        if (digits == 0 || digits > 4) return false;
        ++groups;
        if (i == head.size()) break;
        if (head[i] != ':') return false;
        ++i;
        if (i < head.size() && head[i] == ':') {
            if (compressed) return false;
            compressed = true;
            ++i;
        } else if (i == head.size()) {
            return false;  // a trailing single colon
        }
    }
    return compressed ? groups < 8 : groups == 8;
}

bool is_dotted_oid(std::string_view text, std::string* why) {
    if (text.empty()) return set(why, "it is empty"), false;
    // One pass, arc by arc; the count of arcs is reported before any arc's content, as on a split list, so
    // the first arc's problem waits until the pass knows whether there is a dot at all.
    std::string_view first_arc, second_arc;
    const char* problem = nullptr;
    bool dotted = false;
    const char* p = text.data();
    const char* const end = p + text.size();
    for (std::size_t index = 1;; ++index) {
        const char* const arc_start = p;
        bool digits = true;
        for (; p != end && *p != '.'; ++p) digits = digits && is_digit(*p);
        const std::string_view arc(arc_start, static_cast<std::size_t>(p - arc_start));
        if (index == 1) first_arc = arc;
        if (index == 2) second_arc = arc;
        if (arc.empty()) problem = "it has an empty arc (two dots in a row, or a dot at an end)";
        else if (!digits) problem = "arcs are decimal numbers separated by dots";
        else if (arc.size() > 1 && arc[0] == '0') problem = "an arc has a leading zero";
        if (p == end || (problem && dotted)) break;
        dotted = true;
        ++p;  // the dot
        if (problem) break;
    }
    if (!dotted) return set(why, "an OID has at least two arcs (like 2.5.4.3)"), false;
    if (problem) return set(why, problem), false;
    if (first_arc.size() > 1 || first_arc[0] > '2') return set(why, "the first arc must be 0, 1 or 2"), false;
    if (first_arc[0] != '2' && (second_arc.size() > 2 || (second_arc.size() == 2 && (second_arc[0] > '3'))))
        return set(why, "under arcs 0 and 1 the second arc must be at most 39"), false;
    return true;
}

bool is_addr_spec(std::string_view text) noexcept {
    const std::size_t at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (local.size() > 64) return false;
    if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
        for (std::size_t i = 1; i + 1 < local.size(); ++i) {
            const char c = local[i];
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
            if (c == '\\') ++i;
            else if (c == '"') return false;
        }
    } else {
        static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~";
        if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
        for (char c : local)
            if (!is_alpha(c) && !is_digit(c) && c != '.' && kAtext.find(c) == std::string_view::npos) return false;
    }
    if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
        const std::string_view inside = domain.substr(1, domain.size() - 2);
        if (inside.substr(0, 5) == "IPv6:") return is_ipv6_literal(inside.substr(5));
        return is_ipv4_literal(inside);
    }
    return is_dns_name(domain) && domain.find('.') != std::string_view::npos;
}

bool is_absolute_uri(std::string_view text) noexcept {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
    if (!is_alpha(text[0])) return false;
    for (std::size_t i = 1; i < colon; ++i) {
        const char c = text[i];
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    }
    for (char c : text)
        if (kUriForbidden.forbidden[static_cast<unsigned char>(c)]) return false;
    return true;
}

std::optional<UrlParts> split_url(std::string_view url, std::string& why) {
    if (scan::has_space_or_control(url)) {
        why = "it contains white space or a control character";
        return std::nullopt;
    }
    const std::size_t colon = url.find(':');
    bool scheme_ok = colon != std::string_view::npos && colon > 0 && is_alpha(url[0]);
    for (std::size_t i = 1; scheme_ok && i < colon; ++i) {
        const char c = url[i];
        scheme_ok = is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
    }
    if (!scheme_ok) {
        why = "it does not start with a scheme (write it in full, like https://acme.example.com/directory)";
        return std::nullopt;
    }
    UrlParts parts;
    parts.scheme = url.substr(0, colon);
    std::string_view rest = url.substr(colon + 1);
    if (rest.substr(0, 2) != "//") {
        why = "it has no \"//host\" after the scheme";
        return std::nullopt;
    }
    rest.remove_prefix(2);
    parts.has_fragment = rest.find('#') != std::string_view::npos;
    std::size_t authority_end = 0;  // rest.find_first_of("/?#"), without a search of the set per byte
    while (authority_end < rest.size() && rest[authority_end] != '/' && rest[authority_end] != '?' &&
           rest[authority_end] != '#')
        ++authority_end;
    if (authority_end == rest.size()) authority_end = std::string_view::npos;
    std::string_view authority = rest.substr(0, authority_end);
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        parts.has_userinfo = true;
        parts.userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    if (!authority.empty() && authority[0] == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            parts.host = authority;
            return parts;  // the host check reports the unclosed literal
        }
        host = authority.substr(0, close + 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') {
                parts.host = authority;
                return parts;
            }
            parts.has_port = true;
            parts.port = after.substr(1);
        }
    } else {
        const std::size_t port_colon = authority.find(':');
        if (port_colon != std::string_view::npos) {
            host = authority.substr(0, port_colon);
            parts.has_port = true;
            parts.port = authority.substr(port_colon + 1);
        }
    }
    parts.host = host;
    return parts;
}

}  // namespace acmepolicy::validation
