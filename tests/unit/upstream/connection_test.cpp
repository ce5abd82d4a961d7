#include "creditgate/upstream/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <thread>

namespace creditgate {
namespace {

using namespace std::chrono_literals;

ProviderConfig loopback_provider(std::uint16_t port, const std::string& scheme = "http") {
    ProviderConfig provider;
    provider.name = "test";
    provider.scheme = scheme;
    provider.host = "127.0.0.1";
    provider.port = port;
    return provider;
}

// Runs the io_context until `done` has a value, bounded so a hang fails instead of blocking.
template <typename T>
void run_until(net::io_context& io, const std::optional<T>& done) {
    io.run_for(10s);
    ASSERT_TRUE(done.has_value()) << "the operation did not complete within 10 s";
}

TEST(UpstreamConnection, ConnectsSendsAndReadsTheHeaderOfALoopbackProvider) {
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    // A one-request provider on its own thread, blocking: it answers 200 to whatever it reads.
    std::thread provider_thread([&acceptor] {
        net::ip::tcp::socket socket = acceptor.accept();
        beast::flat_buffer buffer;
        http::request<http::string_body> request;
        http::read(socket, buffer, request);
        http::response<http::string_body> reply{http::status::ok, 11};
        reply.body() = request.target();
        reply.prepare_payload();
        http::write(socket, reply);
    });
    auto provider = loopback_provider(acceptor.local_endpoint().port());
    UpstreamConnection connection(io.get_executor(), provider, nullptr);
    UpstreamRequest request{http::verb::post, "/v1/chat/completions", 11};
    UpstreamParser parser;
    std::optional<beast::error_code> result;
    connection.connect(2s, [&](beast::error_code ec) {
        if (ec) {
            result = ec;
            return;
        }
        connection.write(request, 2s, [&](beast::error_code write_ec) {
            if (write_ec) {
                result = write_ec;
                return;
            }
            connection.read_header(parser, 2s,
                                   [&](beast::error_code read_ec) { result = read_ec; });
        });
    });
    run_until(io, result);
    provider_thread.join();
    EXPECT_FALSE(*result) << result->message();
    EXPECT_EQ(parser.get().result(), http::status::ok);
    EXPECT_TRUE(connection.is_open());
}

TEST(UpstreamConnection, ATlsHandshakeThatNeverAnswersEndsAtTheConnectTimeout) {
    net::io_context io;
    // The kernel completes the TCP handshake from the backlog; nobody ever answers the TLS hello.
    net::ip::tcp::acceptor silent(io, {net::ip::make_address("127.0.0.1"), 0});
    auto provider = loopback_provider(silent.local_endpoint().port(), "https");
    auto tls = make_client_tls_context(provider);
    UpstreamConnection connection(io.get_executor(), provider, tls.get());
    std::optional<beast::error_code> result;
    auto started = std::chrono::steady_clock::now();
    connection.connect(200ms, [&](beast::error_code ec) { result = ec; });
    run_until(io, result);
    EXPECT_EQ(*result, beast::error::timeout) << result->message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(UpstreamConnection, ARefusedConnectionFailsAsRefusedNotAsATimeout) {
    net::io_context io;
    std::uint16_t closed_port = 0;
    {
        net::ip::tcp::acceptor probe(io, {net::ip::make_address("127.0.0.1"), 0});
        closed_port = probe.local_endpoint().port();
    }
    auto provider = loopback_provider(closed_port);
    UpstreamConnection connection(io.get_executor(), provider, nullptr);
    std::optional<beast::error_code> result;
    connection.connect(2s, [&](beast::error_code ec) { result = ec; });
    run_until(io, result);
    EXPECT_EQ(*result, net::error::connection_refused) << result->message();
}

}  // namespace
}  // namespace creditgate
