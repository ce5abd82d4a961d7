// After a reload each I/O thread's pools match the new provider set: an unchanged provider
// keeps its pool (and its idle connections), a changed or removed one's pool is retired.
#include "creditgate/upstream/provider_pools.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

namespace creditgate {
namespace {

using namespace std::chrono_literals;

ProviderConfig http_provider(const std::string& name, std::uint16_t port) {
    ProviderConfig provider;
    provider.name = name;
    provider.scheme = "http";
    provider.host = "127.0.0.1";
    provider.port = port;
    provider.base_path = "/v1";
    return provider;
}

std::shared_ptr<const Config> config_with(std::initializer_list<ProviderConfig> providers) {
    auto config = std::make_shared<Config>();
    for (const auto& provider : providers) config->providers[provider.name] = provider;
    return config;
}

// A connection of `pool` connected to `acceptor` (nothing sent on it).
std::unique_ptr<UpstreamConnection> connected(net::io_context& io, UpstreamPool& pool) {
    auto connection = pool.make_new();
    std::optional<beast::error_code> result;
    connection->connect(2s, [&](beast::error_code ec) { result = ec; });
    io.restart();
    while (!result && io.run_one_for(5s) > 0) {
    }
    EXPECT_TRUE(result.has_value() && !*result);
    return connection;
}

TEST(ProviderPools, AnUnchangedProviderKeepsItsPoolAcrossAReload) {
    net::io_context io;
    TlsContexts tls;
    ProviderPools pools(io.get_executor(), tls);
    pools.follow(config_with({http_provider("a", 1000), http_provider("b", 2000)}));
    const auto a = pools.find("a");
    const auto b = pools.find("b");

    pools.follow(config_with(
        {http_provider("a", 1000), http_provider("b", 2001), http_provider("c", 3000)}));

    EXPECT_EQ(pools.find("a"), a) << "unchanged: the same pool, idle connections and all";
    ASSERT_NE(pools.find("b"), nullptr);
    EXPECT_NE(pools.find("b"), b) << "changed: a new pool";
    EXPECT_EQ(pools.find("b")->provider().port, 2001);
    ASSERT_NE(pools.find("c"), nullptr) << "new: a pool";
}

TEST(ProviderPools, ARemovedProvidersPoolIsRetiredButLivesOnForItsRequests) {
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    acceptor.listen();
    const auto provider = http_provider("gone", acceptor.local_endpoint().port());
    TlsContexts tls;
    ProviderPools pools(io.get_executor(), tls);
    pools.follow(config_with({provider}));
    // A request in flight holds the pool and one of its connections.
    const auto in_use = pools.find("gone");
    auto connection = connected(io, *in_use);
    ASSERT_TRUE(connection->is_open());

    pools.follow(config_with({http_provider("other", 1)}));

    EXPECT_EQ(pools.find("gone"), nullptr);
    EXPECT_EQ(in_use->provider().port, provider.port) << "the request still sees its provider";
    in_use->give_back(std::move(connection));
    EXPECT_EQ(in_use->take_idle(), nullptr) << "a retired pool keeps no connection";
}

TEST(ProviderPools, ALivePoolTakesItsConnectionBack) {
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    acceptor.listen();
    TlsContexts tls;
    ProviderPools pools(io.get_executor(), tls);
    pools.follow(config_with({http_provider("kept", acceptor.local_endpoint().port())}));
    const auto pool = pools.find("kept");
    auto connection = connected(io, *pool);
    UpstreamConnection* const address = connection.get();

    pool->give_back(std::move(connection));

    auto again = pool->take_idle();
    EXPECT_EQ(again.get(), address);
}

}  // namespace
}  // namespace creditgate
