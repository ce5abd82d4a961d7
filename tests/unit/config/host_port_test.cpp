#include "creditgate/config/host_port.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

TEST(HostPort, BracketsOnlyIpv6Literals) {
    EXPECT_EQ(bracketed_host("::1"), "[::1]");
    EXPECT_EQ(bracketed_host("api.example.com"), "api.example.com");
    EXPECT_EQ(host_port("127.0.0.1", 8080), "127.0.0.1:8080");
    EXPECT_EQ(host_port("api.example.com", 443), "api.example.com:443");
    EXPECT_EQ(host_port("::1", 8080), "[::1]:8080");
    EXPECT_EQ(host_port("fe80::1", 0), "[fe80::1]:0");
}

TEST(HostPort, ReadsPortsUpTo65535) {
    EXPECT_EQ(parse_port("0"), 0);
    EXPECT_EQ(parse_port("8080"), 8080);
    EXPECT_EQ(parse_port("65535"), 65535);
    EXPECT_EQ(parse_port("00080"), 80);
}

TEST(HostPort, RefusesAnythingButDigits) {
    for (const char* bad :
         {"", "65536", "99999", "000080", "-1", "+80", " 80", "80 ", "8o", "0x50"}) {
        EXPECT_FALSE(parse_port(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace creditgate
