// A streamed reply on the wire: Beast's header and chunk framing, byte for byte, over a real
// loopback connection.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <string>
#include <thread>

#include "creditgate/http/session.hpp"

namespace creditgate {
namespace {

// Answers every request with the stream that `script` writes.
class ScriptedHandler : public RequestHandler {
  public:
    explicit ScriptedHandler(std::function<void(const std::shared_ptr<HttpSession>&)> script)
        : script_(std::move(script)) {}
    void handle(const std::shared_ptr<HttpSession>& session, Request&&) override {
        script_(session);
    }

  private:
    std::function<void(const std::shared_ptr<HttpSession>&)> script_;
};

// Sends one request that asks to close, serves it with `script` and returns every byte the
// client received until the server closed.
std::string wire_bytes_of(std::function<void(const std::shared_ptr<HttpSession>&)> script) {
    net::io_context server_context;
    tcp::acceptor acceptor(server_context, {net::ip::make_address("127.0.0.1"), 0});
    ScriptedHandler handler(std::move(script));
    SessionLimits limits;
    SessionRegistry registry;
    acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
        ASSERT_FALSE(ec) << ec.message();
        std::make_shared<HttpSession>(std::move(socket), handler, limits, registry)->start();
    });

    std::string received;
    std::thread client([&, port = acceptor.local_endpoint().port()] {
        net::io_context client_context;
        tcp::socket socket(client_context);
        socket.connect({net::ip::make_address("127.0.0.1"), port});
        net::write(socket, net::buffer(std::string_view(
                               "GET /stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")));
        beast::error_code ec;
        net::read(socket, net::dynamic_buffer(received), ec);  // until the server's EOF
        EXPECT_EQ(ec, net::error::eof);
    });
    server_context.run();  // ends when the session has closed
    client.join();
    return received;
}

http::response<http::empty_body> event_stream_header() {
    http::response<http::empty_body> header{http::status::ok, 11};
    header.set(http::field::content_type, "text/event-stream");
    return header;
}

constexpr std::string_view kHeader =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Connection: close\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";

TEST(SessionStream, SendsTheHeaderWithTheFirstChunkAndEndsWithTheLastChunk) {
    const auto bytes = wire_bytes_of([](const std::shared_ptr<HttpSession>& session) {
        session->begin_stream(event_stream_header());
        EXPECT_TRUE(session->header_pending());
        session->write_chunk("data: a\n\n", [session](beast::error_code ec) {
            ASSERT_FALSE(ec);
            EXPECT_FALSE(session->header_pending());
            session->end_stream("data: [DONE]\n\n", [](beast::error_code) {});
        });
    });
    EXPECT_EQ(bytes, std::string(kHeader) +
                         "9\r\ndata: a\n\n\r\n"
                         "e\r\ndata: [DONE]\n\n\r\n"
                         "0\r\n\r\n");
}

TEST(SessionStream, FlushesTheHeaderAloneAndEndsWithoutData) {
    const auto bytes = wire_bytes_of([](const std::shared_ptr<HttpSession>& session) {
        session->begin_stream(event_stream_header());
        session->flush_header([session](beast::error_code ec) {
            ASSERT_FALSE(ec);
            session->end_stream("", [](beast::error_code) {});
        });
    });
    EXPECT_EQ(bytes, std::string(kHeader) + "0\r\n\r\n");
}

}  // namespace
}  // namespace creditgate
