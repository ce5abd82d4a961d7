#include "creditgate/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

#include "creditgate/observe/access_log.hpp"
#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/thread_name.hpp"

namespace creditgate {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(net::io_context& context, RequestHandler& handler, const SessionLimits& limits,
             SessionRegistry& registry)
        : acceptor_(context), handler_(handler), limits_(limits), registry_(registry) {}

    std::uint16_t bind(const tcp::endpoint& endpoint, bool reuse_port) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        if (reuse_port) {
            int one = 1;
            ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        }
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
        return acceptor_.local_endpoint().port();
    }

    void accept() {
        acceptor_.async_accept(
            [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
                if (!ec) {
                    beast::error_code ignored;
                    socket.set_option(tcp::no_delay(true), ignored);
                    std::make_shared<HttpSession>(std::move(socket), self->handler_, self->limits_,
                                                  self->registry_)
                        ->start();
                } else {
                    log_event(spdlog::level::warn, "accept_failed", {{"error", ec.message()}});
                }
                self->accept();
            });
    }

    // Posted to the acceptor's own thread, which reads the limits on each accept.
    void set_limits(const SessionLimits& limits) {
        net::post(acceptor_.get_executor(),
                  [self = shared_from_this(), limits] { self->limits_ = limits; });
    }

    // Posted to the acceptor's own thread: an acceptor is not safe to close from another.
    void close() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ignored;
            self->acceptor_.close(ignored);
        });
    }

  private:
    tcp::acceptor acceptor_;
    RequestHandler& handler_;
    SessionLimits limits_;
    SessionRegistry& registry_;
};

namespace {
tcp::endpoint resolve(const ListenAddress& address) {
    auto host = address.host == "localhost" ? std::string("127.0.0.1") : address.host;
    return tcp::endpoint(net::ip::make_address(host), address.port);
}
}  // namespace

Server::Server(int threads) {
    for (int i = 0; i < threads; ++i) {
        contexts_.push_back(std::make_unique<net::io_context>(1));
        registries_.push_back(std::make_unique<SessionRegistry>());
    }
}

Server::~Server() {
    shutdown();
}

std::uint16_t Server::listen_all(const ListenAddress& address,
                                 const std::vector<RequestHandler*>& handlers,
                                 const SessionLimits& limits) {
    auto endpoint = resolve(address);
    std::uint16_t port = 0;
    for (int i = 0; i < threads(); ++i) {
        auto listener =
            std::make_shared<Listener>(context(i), *handlers[static_cast<std::size_t>(i)], limits,
                                       *registries_[static_cast<std::size_t>(i)]);
        port = listener->bind(endpoint, true);
        endpoint.port(port);  // port 0: the first bind picks it, the others share it
        listeners_.push_back(listener);
    }
    return port;
}

std::uint16_t Server::listen_one(const ListenAddress& address, int thread, RequestHandler& handler,
                                 const SessionLimits& limits) {
    auto listener = std::make_shared<Listener>(context(thread), handler, limits,
                                               *registries_[static_cast<std::size_t>(thread)]);
    auto port = listener->bind(resolve(address), false);
    listeners_.push_back(listener);
    return port;
}

void Server::set_session_limits(const SessionLimits& limits) {
    for (auto& listener : listeners_) listener->set_limits(limits);
}

void Server::start() {
    for (auto& listener : listeners_) listener->accept();
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        threads_.emplace_back([this, i] {
            name_this_thread("cg-io-" + std::to_string(i));
            AccessLogBatch access_log(*contexts_[i]);
            contexts_[i]->run();
        });
    }
}

void Server::begin_drain() {
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
        net::post(*contexts_[i], [this, i] { registries_[i]->close_idle_and_drain(); });
    }
    for (auto& listener : listeners_) listener->close();
}

void Server::stop() {
    for (auto& context : contexts_) context->stop();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void Server::shutdown() {
    stop();
    // Destroying a context destroys its pending handlers, and with them any request still in
    // flight: their destructors end their holds, so this runs while the ledger is still up.
    listeners_.clear();
    contexts_.clear();
    registries_.clear();
}

}  // namespace creditgate
