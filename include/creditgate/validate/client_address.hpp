#pragma once
// The client address a key's CIDRs are checked against. Behind a load balancer the peer is the
// balancer; only a peer in the configured trusted_proxies may say who the client is, through
// X-Forwarded-For, and only hops that are themselves trusted are looked through.
#include <boost/asio/ip/address.hpp>

#include <string_view>
#include <vector>

#include "creditgate/validate/cidr.hpp"

namespace creditgate {

// The peer unless it is trusted. Otherwise walks X-Forwarded-For (every header line in order,
// each a comma-separated list, the nearest hop last) from the right, skips trusted hops and
// returns the first untrusted one. An entry that is not an IP address ends the walk at the last
// address read: what cannot be parsed is never trusted, nor what stands left of it.
boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                        const std::vector<std::string_view>& x_forwarded_for,
                                        const std::vector<Cidr>& trusted);

}  // namespace creditgate
