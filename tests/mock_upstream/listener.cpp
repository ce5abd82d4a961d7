#include "listener.hpp"

#include <iostream>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "session.hpp"

namespace creditgate::mock {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, const tcp::endpoint& endpoint,
                   std::shared_ptr<net::ssl::context> tls, MockState& state)
    : io_(io), acceptor_(net::make_strand(io)), tls_(std::move(tls)), state_(state) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() {
    do_accept();
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
    });
}

void Listener::do_accept() {
    // Each connection gets its own strand, so a session's handlers never run concurrently.
    acceptor_.async_accept(net::make_strand(io_), boost::beast::bind_front_handler(
                                                      &Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // stopped
    if (ec) {
        std::cerr << "mock_upstream: accept: " << ec.message() << '\n';
        return do_accept();
    }
    state_.stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small SSE writes must not wait 40 ms
    start_session(std::move(socket), tls_, state_);
    do_accept();
}

}  // namespace creditgate::mock
