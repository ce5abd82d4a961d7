// Client networks of a key's scope and of trusted_proxies: IPv4, IPv6, the IPv4-mapped form a
// dual-stack listener reports, and networks inside networks (a sub-key's CIDRs).
#include "creditgate/validate/cidr.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

boost::asio::ip::address ip(const char* text) {
    return boost::asio::ip::make_address(text);
}

Cidr cidr(const char* text) {
    auto parsed = parse_cidr(text);
    EXPECT_TRUE(parsed) << text;
    return parsed.value_or(Cidr{});
}

TEST(Cidr, ParsesNetworksAndBareAddressesOfBothFamilies) {
    EXPECT_EQ(to_string(cidr("203.0.113.0/24")), "203.0.113.0/24");
    EXPECT_EQ(to_string(cidr("203.0.113.7")), "203.0.113.7/32");
    EXPECT_EQ(to_string(cidr("2001:db8::/32")), "2001:db8::/32");
    EXPECT_EQ(to_string(cidr("::1")), "::1/128");
    EXPECT_EQ(to_string(cidr("0.0.0.0/0")), "0.0.0.0/0");
    EXPECT_EQ(to_string(cidr("::/0")), "::/0");
}

TEST(Cidr, RefusesWhatIsNotANetwork) {
    for (const char* text :
         {"", "/24", "203.0.113.0/", "203.0.113.0/33", "::/129", "203.0.113.0/-1", "203.0.113.0/+8",
          "203.0.113.0/24x", "203.0.113", "example.com/24", "203.0.113.0 /24", "fe80::1%1"}) {
        EXPECT_FALSE(parse_cidr(text)) << text;
    }
}

TEST(Cidr, RefusesHostBitsSetBeyondThePrefix) {
    EXPECT_FALSE(parse_cidr("203.0.113.7/24"));
    EXPECT_FALSE(parse_cidr("10.0.0.1/8"));
    EXPECT_FALSE(parse_cidr("2001:db8::1/64"));
    EXPECT_FALSE(parse_cidr("2001:db8:8000::/32"));
    EXPECT_TRUE(parse_cidr("2001:db8:8000::/33"));
}

TEST(Cidr, ContainsAddressesInsideTheNetworkOnly) {
    const auto net = cidr("203.0.113.0/24");
    EXPECT_TRUE(contains(net, ip("203.0.113.0")));
    EXPECT_TRUE(contains(net, ip("203.0.113.255")));
    EXPECT_FALSE(contains(net, ip("203.0.114.0")));
    EXPECT_FALSE(contains(net, ip("203.0.112.255")));
    const auto odd = cidr("10.0.0.0/9");  // a prefix that is not a whole number of bytes
    EXPECT_TRUE(contains(odd, ip("10.127.255.255")));
    EXPECT_FALSE(contains(odd, ip("10.128.0.0")));
    const auto v6 = cidr("2001:db8::/32");
    EXPECT_TRUE(contains(v6, ip("2001:db8:ffff::1")));
    EXPECT_FALSE(contains(v6, ip("2001:db9::1")));
    EXPECT_TRUE(contains(cidr("::1"), ip("::1")));
    EXPECT_FALSE(contains(cidr("::1"), ip("::2")));
}

TEST(Cidr, FamiliesDoNotMixExceptThroughTheIpv4MappedForm) {
    EXPECT_FALSE(contains(cidr("0.0.0.0/0"), ip("2001:db8::1")));
    EXPECT_FALSE(contains(cidr("2001:db8::/32"), ip("203.0.113.7")));
    // ::1 is not 0.0.0.1, nor is ::a.b.c.d (IPv4-compatible) a.b.c.d.
    EXPECT_FALSE(contains(cidr("0.0.0.0/8"), ip("::1")));
    EXPECT_FALSE(contains(cidr("203.0.113.0/24"), ip("::203.0.113.7")));
}

TEST(Cidr, Ipv4MatchesItsMappedIpv6FormBothWays) {
    EXPECT_TRUE(contains(cidr("203.0.113.0/24"), ip("::ffff:203.0.113.7")));
    EXPECT_FALSE(contains(cidr("203.0.113.0/24"), ip("::ffff:203.0.114.7")));
    EXPECT_TRUE(contains(cidr("::ffff:203.0.113.0/120"), ip("203.0.113.7")));
    EXPECT_FALSE(contains(cidr("::ffff:203.0.113.0/120"), ip("203.0.114.7")));
    EXPECT_TRUE(contains(cidr("::/0"), ip("203.0.113.7")));
    EXPECT_TRUE(contains(cidr("203.0.113.0/24"), cidr("::ffff:203.0.113.128/121")));
    EXPECT_TRUE(contains(cidr("::ffff:0.0.0.0/96"), cidr("10.0.0.0/8")));
}

TEST(Cidr, ContainsANetworkOnlyWhenEveryAddressIsInside) {
    EXPECT_TRUE(contains(cidr("10.0.0.0/8"), cidr("10.1.0.0/16")));
    EXPECT_TRUE(contains(cidr("10.0.0.0/8"), cidr("10.0.0.0/8")));
    EXPECT_TRUE(contains(cidr("10.0.0.0/8"), cidr("10.255.255.255")));
    EXPECT_FALSE(contains(cidr("10.1.0.0/16"), cidr("10.0.0.0/8")));  // wider
    EXPECT_FALSE(contains(cidr("10.0.0.0/8"), cidr("11.0.0.0/16")));  // beside
    EXPECT_TRUE(contains(cidr("2001:db8::/32"), cidr("2001:db8:1::/48")));
    EXPECT_FALSE(contains(cidr("2001:db8:1::/48"), cidr("2001:db8::/32")));
    EXPECT_FALSE(contains(cidr("10.0.0.0/8"), cidr("2001:db8::/32")));
}

}  // namespace
}  // namespace creditgate
