#pragma once
// "host:port" text: written for logs and Host headers, read from listen and provider addresses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

// The host as a URL or a Host header writes it: an IPv6 literal in brackets ("[::1]"), so a
// port after it stays unambiguous; anything else unchanged.
std::string bracketed_host(std::string_view host);

// bracketed_host(host) + ":" + port: "127.0.0.1:8080", "example.com:443", "[::1]:8080".
std::string host_port(std::string_view host, std::uint16_t port);

// A port as 1 to 5 decimal digits ("8080", "0"); nothing for a sign, spaces, other characters
// or a value over 65535. Whether 0 is allowed is the caller's rule.
std::optional<std::uint16_t> parse_port(std::string_view text);

}  // namespace creditgate
