#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "mock_state.hpp"

namespace creditgate::mock {

// Accepts connections and hands each to its own session on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    // Binds and listens at once (throws boost::system::system_error), so the port is known.
    Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
             std::shared_ptr<boost::asio::ssl::context> tls, MockState& state);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void run();
    void stop();

  private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    MockState& state_;
};

}  // namespace creditgate::mock
