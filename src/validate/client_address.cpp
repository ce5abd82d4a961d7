#include "creditgate/validate/client_address.hpp"

#include <boost/algorithm/string/trim.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace creditgate {

namespace {

using boost::asio::ip::address;

bool is_trusted(const address& a, const std::vector<Cidr>& trusted) {
    return std::any_of(trusted.begin(), trusted.end(),
                       [&](const Cidr& cidr) { return contains(cidr, a); });
}

std::optional<address> parse_hop(std::string_view text) {
    boost::system::error_code ec;
    const auto hop =
        boost::asio::ip::make_address(boost::algorithm::trim_copy(std::string(text)), ec);
    if (ec) return std::nullopt;
    return hop;
}

}  // namespace

address client_address(const address& peer, const std::vector<std::string_view>& x_forwarded_for,
                       const std::vector<Cidr>& trusted) {
    address client = peer;
    for (auto line = x_forwarded_for.rbegin(); line != x_forwarded_for.rend(); ++line) {
        std::string_view rest = *line;
        while (is_trusted(client, trusted)) {
            const auto comma = rest.rfind(',');
            const auto entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
            const auto hop = parse_hop(entry);
            if (!hop) return client;
            client = *hop;
            if (comma == std::string_view::npos) break;
            rest = rest.substr(0, comma);
        }
        if (!is_trusted(client, trusted)) return client;
    }
    return client;
}

}  // namespace creditgate
