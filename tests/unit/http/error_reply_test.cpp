// The one error reply path: what a client receives for an ApiError over a real loopback socket.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>

#include "creditgate/http/session.hpp"

namespace creditgate {
namespace {

// Answers every request with the same error.
class FailingHandler final : public RequestHandler {
  public:
    explicit FailingHandler(ApiError error) : error_(std::move(error)) {}
    void handle(const std::shared_ptr<HttpSession>& session, Request&&) override {
        session->reply_error(error_, "req-test");
    }

  private:
    ApiError error_;
};

// Serves one connection with `handler` and returns the reply to one GET.
Response reply_to_one_request(RequestHandler& handler) {
    net::io_context io;
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    SessionRegistry registry;
    SessionLimits limits;
    acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
        if (!ec)
            std::make_shared<HttpSession>(std::move(socket), handler, limits, registry)->start();
    });
    Response reply;
    std::thread client([&, port = acceptor.local_endpoint().port()] {
        tcp::socket socket(io.get_executor());
        socket.connect({net::ip::make_address("127.0.0.1"), port});
        Request request{http::verb::get, "/x", 11};
        request.keep_alive(false);
        http::write(socket, request);
        beast::flat_buffer buffer;
        http::read(socket, buffer, reply);
    });
    io.run_for(std::chrono::seconds(10));
    client.join();
    return reply;
}

TEST(ErrorReply, ARateLimitedErrorTellsTheClientWhenToRetry) {
    FailingHandler handler(api_error(ErrorCode::rate_limited, "slow down"));
    auto reply = reply_to_one_request(handler);
    EXPECT_EQ(reply.result(), http::status::too_many_requests);
    EXPECT_EQ(reply[http::field::retry_after], std::to_string(kRetryAfterSeconds));
    EXPECT_EQ(reply["x-request-id"], "req-test");
    EXPECT_NE(reply.body().find(R"("code":"rate_limited")"), std::string::npos) << reply.body();
}

TEST(ErrorReply, AMethodNotAllowedErrorCarriesItsAllowHeader) {
    auto error = api_error(ErrorCode::method_not_allowed, "Use GET, POST on this path.");
    error.allow = "GET, POST";
    FailingHandler handler(error);
    auto reply = reply_to_one_request(handler);
    EXPECT_EQ(reply.result(), http::status::method_not_allowed);
    EXPECT_EQ(reply[http::field::allow], "GET, POST");
    EXPECT_EQ(reply.count(http::field::retry_after), 0u);
}

TEST(ErrorReply, OtherErrorsCarryNeitherHeader) {
    FailingHandler handler(api_error(ErrorCode::not_found, "Unknown path: /x"));
    auto reply = reply_to_one_request(handler);
    EXPECT_EQ(reply.result(), http::status::not_found);
    EXPECT_EQ(reply.count(http::field::retry_after), 0u);
    EXPECT_EQ(reply.count(http::field::allow), 0u);
}

}  // namespace
}  // namespace creditgate
