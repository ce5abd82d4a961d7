#pragma once
// Private: "trusted_proxies", the networks of the load balancers whose X-Forwarded-For names
// the client (validate/client_address.hpp).
#include <string>
#include <vector>

#include "creditgate/validate/cidr.hpp"
#include "json_fields.hpp"

namespace creditgate::config_detail {

// An array of CIDR strings ("10.0.0.0/8", "::1"); throws ConfigError naming the bad entry.
std::vector<Cidr> parse_trusted_proxies(const json& value, const std::string& path);

}  // namespace creditgate::config_detail
