#include "creditgate/validate/cidr.hpp"

#include <charconv>

namespace creditgate {

namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v6;

constexpr unsigned kV4Bits = 32;
constexpr unsigned kV6Bits = 128;
constexpr unsigned kMappedV4Offset = 96;  // ::ffff:a.b.c.d keeps the IPv4 address in the last 32

// Both families compare in IPv6 space: an IPv4 address is its IPv4-mapped form, so 10.0.0.1
// and ::ffff:10.0.0.1 are the same client whichever way a listener reports it.
address_v6::bytes_type v6_bytes(const address& a) {
    if (a.is_v4())
        return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
    return a.to_v6().to_bytes();
}

unsigned v6_prefix(const Cidr& cidr) {
    return cidr.network.is_v4() ? cidr.prefix + kMappedV4Offset : cidr.prefix;
}

// The bytes with every bit past the first `bits` cleared.
address_v6::bytes_type masked(address_v6::bytes_type bytes, unsigned bits) {
    for (auto& byte : bytes) {
        const unsigned keep = bits >= 8 ? 8 : bits;
        byte = static_cast<unsigned char>(keep == 0 ? 0 : byte & (0xff << (8 - keep)));
        bits -= keep;
    }
    return bytes;
}

}  // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    const auto address_text = std::string(text.substr(0, slash));
    boost::system::error_code ec;
    const auto network = boost::asio::ip::make_address(address_text, ec);
    // A zone ("fe80::1%eth0") names an interface of this host, not a client network.
    if (ec || (network.is_v6() && network.to_v6().scope_id() != 0)) return std::nullopt;
    const unsigned max_prefix = network.is_v4() ? kV4Bits : kV6Bits;
    unsigned prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto* end = digits.data() + digits.size();
        const auto [at, error] = std::from_chars(digits.data(), end, prefix);
        if (digits.empty() || error != std::errc() || at != end || prefix > max_prefix) {
            return std::nullopt;
        }
    }
    const Cidr cidr{network, prefix};
    const auto bytes = v6_bytes(network);
    if (masked(bytes, v6_prefix(cidr)) != bytes) return std::nullopt;  // host bits set
    return cidr;
}

std::string to_string(const Cidr& cidr) {
    return cidr.network.to_string() + "/" + std::to_string(cidr.prefix);
}

bool contains(const Cidr& network, const address& a) {
    const auto bits = v6_prefix(network);
    return masked(v6_bytes(a), bits) == masked(v6_bytes(network.network), bits);
}

bool contains(const Cidr& outer, const Cidr& inner) {
    return v6_prefix(inner) >= v6_prefix(outer) && contains(outer, inner.network);
}

}  // namespace creditgate
