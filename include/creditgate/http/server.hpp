#pragma once
// I/O threads, one io_context each (shared nothing, like nginx workers), and their listeners.
// The public port is bound once per thread with SO_REUSEPORT so the kernel spreads connections.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "creditgate/config/config.hpp"
#include "creditgate/http/session.hpp"

namespace creditgate {

class Listener;

class Server {
  public:
    explicit Server(int threads);
    ~Server();

    int threads() const { return static_cast<int>(contexts_.size()); }
    net::io_context& context(int thread) { return *contexts_[static_cast<std::size_t>(thread)]; }

    // One acceptor per thread, handlers[i] serving thread i. Returns the bound port.
    std::uint16_t listen_all(const ListenAddress& address,
                             const std::vector<RequestHandler*>& handlers,
                             const SessionLimits& limits);
    // One acceptor on one thread. Returns the bound port.
    std::uint16_t listen_one(const ListenAddress& address, int thread, RequestHandler& handler,
                             const SessionLimits& limits);

    // For connections accepted from now on (a config reload); open ones keep theirs.
    void set_session_limits(const SessionLimits& limits);

    void start();
    // Stops accepting and closes idle keep-alive connections; busy ones close after their reply.
    void begin_drain();
    void stop();
    // stop(), then destroys what is left of unfinished requests.
    void shutdown();

  private:
    std::vector<std::unique_ptr<net::io_context>> contexts_;
    std::vector<std::unique_ptr<SessionRegistry>> registries_;
    std::vector<std::shared_ptr<Listener>> listeners_;
    std::vector<std::thread> threads_;
};

}  // namespace creditgate
