#pragma once
// Private: parsing of "host:port" / "[v6]:port" listen addresses.
#include <string>
#include <string_view>

#include "creditgate/config/config.hpp"

namespace creditgate::config_detail {

// Accepts "127.0.0.1:8080", "[::1]:8080", "localhost:8080", "0.0.0.0:0". The host must be an
// IP literal or "localhost" (no name resolution at start-up); IPv6 needs brackets and is
// stored without them. Throws ConfigError at json_path.
ListenAddress parse_listen_address(std::string_view text, const std::string& json_path);

// True for 0.0.0.0 and ::, which overlap every other address on the same port.
bool is_wildcard_host(std::string_view host);

}  // namespace creditgate::config_detail
