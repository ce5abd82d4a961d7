#include "creditgate/config/host_port.hpp"

#include <charconv>

namespace creditgate {

std::string bracketed_host(std::string_view host) {
    // Appends, not "[" + host + "]": g++ 12 reports a false -Wrestrict on the latter.
    std::string text;
    const bool ipv6 = host.find(':') != std::string_view::npos;
    if (ipv6) text.push_back('[');
    text.append(host);
    if (ipv6) text.push_back(']');
    return text;
}

std::string host_port(std::string_view host, std::uint16_t port) {
    return bracketed_host(host) + ":" + std::to_string(port);
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    // from_chars takes no sign or spaces, and reports a value over 65535 as out of range.
    std::uint16_t port = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, port);
    if (text.empty() || text.size() > 5 || error != std::errc() || stop != end) return std::nullopt;
    return port;
}

}  // namespace creditgate
