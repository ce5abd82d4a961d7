#include "listen_address.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>

#include "creditgate/config/host_port.hpp"

namespace creditgate::config_detail {
namespace {

constexpr std::string_view kExpected =
    "expected \"host:port\" or \"[ipv6]:port\" with an IP address or localhost, e.g. "
    "\"127.0.0.1:8080\"";

std::uint16_t listen_port(std::string_view text, const std::string& json_path) {
    const auto port = parse_port(text);
    if (!port) throw ConfigError(json_path, "port must be a number from 0 to 65535");
    return *port;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text, const std::string& json_path) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            throw ConfigError(json_path, std::string(kExpected));
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (!boost::urls::parse_ipv6_address(host)) {
            throw ConfigError(json_path, "\"" + std::string(host) + "\" is not an IPv6 address");
        }
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw ConfigError(json_path, std::string(kExpected));
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            throw ConfigError(json_path, "an IPv6 address needs brackets, e.g. \"[::1]:8080\"");
        }
        if (host != "localhost" && !boost::urls::parse_ipv4_address(host)) {
            throw ConfigError(json_path, "host \"" + std::string(host) +
                                             "\" must be an IP address or localhost (host names "
                                             "are not resolved)");
        }
    }
    return ListenAddress{std::string(host), listen_port(port, json_path)};
}

bool is_wildcard_host(std::string_view host) {
    if (host == "0.0.0.0") return true;
    const auto v6 = boost::urls::parse_ipv6_address(host);
    return v6 && v6->is_unspecified();
}

}  // namespace creditgate::config_detail
