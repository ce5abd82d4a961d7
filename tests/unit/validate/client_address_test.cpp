// Who the client is behind a load balancer: X-Forwarded-For counts only when the peer is a
// trusted proxy, and only the hops trusted proxies added are looked through.
#include "creditgate/validate/client_address.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::make_address;

const std::vector<Cidr> kTrusted = {*parse_cidr("10.0.0.0/8"), *parse_cidr("fd00::/8")};

std::string client(const char* peer, std::vector<std::string_view> forwarded,
                   const std::vector<Cidr>& trusted = kTrusted) {
    return client_address(make_address(peer), forwarded, trusted).to_string();
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItForwards) {
    EXPECT_EQ(client("198.51.100.9", {"203.0.113.7"}), "198.51.100.9");
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7"}, {}), "10.0.0.1");  // nothing is trusted
}

TEST(ClientAddress, ATrustedPeerWithoutForwardedForIsItself) {
    EXPECT_EQ(client("10.0.0.1", {}), "10.0.0.1");
}

TEST(ClientAddress, TheFirstUntrustedHopFromTheRightIsTheClient) {
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7"}), "203.0.113.7");
    // A client may write anything left of itself: the spoofed 1.2.3.4 is never reached.
    EXPECT_EQ(client("10.0.0.1", {"1.2.3.4, 203.0.113.7, 10.0.0.2"}), "203.0.113.7");
    EXPECT_EQ(client("fd00::1", {"2001:db8::7,fd00::2"}), "2001:db8::7");
}

TEST(ClientAddress, SeveralHeaderLinesAreOneListInOrder) {
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7", "10.0.0.3, 10.0.0.2"}), "203.0.113.7");
    EXPECT_EQ(client("10.0.0.1", {"1.2.3.4", "203.0.113.7"}), "203.0.113.7");
}

TEST(ClientAddress, AllHopsTrustedLeavesTheLeftmost) {
    EXPECT_EQ(client("10.0.0.1", {"10.0.0.3, 10.0.0.2"}), "10.0.0.3");
}

TEST(ClientAddress, AMalformedEntryStopsAtTheLastGoodAddress) {
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7, unknown"}), "10.0.0.1");
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7, garbage, 10.0.0.2"}), "10.0.0.2");
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7,,10.0.0.2"}), "10.0.0.2");
    EXPECT_EQ(client("10.0.0.1", {""}), "10.0.0.1");
    EXPECT_EQ(client("10.0.0.1", {"203.0.113.7:443"}), "10.0.0.1");  // ports are not addresses
}

TEST(ClientAddress, AMappedPeerIsTrustedByItsIpv4Network) {
    EXPECT_EQ(client("::ffff:10.0.0.1", {"203.0.113.7"}), "203.0.113.7");
}

}  // namespace
}  // namespace creditgate
