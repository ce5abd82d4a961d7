// trusted_proxies: the load balancers whose X-Forwarded-For names the client.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;

TEST(ConfigTrustedProxies, AbsentTrustsNoOne) {
    EXPECT_TRUE(parse(base_config()).trusted_proxies.empty());
}

TEST(ConfigTrustedProxies, ReadsNetworksOfBothFamilies) {
    auto document = base_config();
    document["trusted_proxies"] = {"10.0.0.0/8", "::1"};
    const auto config = parse(document);
    ASSERT_EQ(config.trusted_proxies.size(), 2u);
    EXPECT_EQ(to_string(config.trusted_proxies[0]), "10.0.0.0/8");
    EXPECT_EQ(to_string(config.trusted_proxies[1]), "::1/128");
}

void expect_refused(const nlohmann::json& proxies, const std::string& path,
                    const std::string& message_part) {
    auto document = base_config();
    document["trusted_proxies"] = proxies;
    try {
        parse(document);
        ADD_FAILURE() << "accepted " << proxies.dump();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), path);
        EXPECT_NE(e.reason().find(message_part), std::string::npos) << e.what();
    }
}

TEST(ConfigTrustedProxies, RefusesABadEntryNamingIt) {
    expect_refused({"10.0.0.0/8", "10.0.0.1/8"}, "trusted_proxies[1]", "\"10.0.0.1/8\"");
    expect_refused({"10.0.0.1/8"}, "trusted_proxies[0]", "no address bits set beyond the prefix");
    expect_refused({"lb.internal"}, "trusted_proxies[0]", "\"lb.internal\"");
    expect_refused({"10.0.0.0/33"}, "trusted_proxies[0]", "expected an IP address");
    expect_refused({8}, "trusted_proxies[0]", "expected a string");
    expect_refused("10.0.0.0/8", "trusted_proxies", "expected an array");
}

}  // namespace
}  // namespace creditgate
