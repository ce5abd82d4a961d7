#pragma once
// IPv4 and IPv6 networks in CIDR notation ("203.0.113.0/24", "::1/128"), and whether an address
// is inside one. An IPv4 address also matches its IPv4-mapped IPv6 form (::ffff:a.b.c.d), as a
// dual-stack listener reports it.
#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

struct Cidr {
    boost::asio::ip::address network;  // with the host bits zero
    unsigned prefix = 0;
    bool operator==(const Cidr&) const = default;
};

// What a caller says when parse_cidr refuses a text.
inline constexpr std::string_view kCidrExpected =
    "expected an IP address or a network such as \"203.0.113.0/24\" or \"2001:db8::/32\", "
    "with no address bits set beyond the prefix";

// nullopt when the text is not an address with an optional /prefix (a bare address is /32 or
// /128), or has host bits set beyond the prefix.
std::optional<Cidr> parse_cidr(std::string_view text);
std::string to_string(const Cidr& cidr);

bool contains(const Cidr& network, const boost::asio::ip::address& address);
// Every address of `inner` is in `outer`.
bool contains(const Cidr& outer, const Cidr& inner);

}  // namespace creditgate
