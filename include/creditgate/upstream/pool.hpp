#pragma once
// Idle keep-alive connections to one provider, for one I/O thread (no locking needed).
#include <memory>
#include <vector>

#include "creditgate/upstream/connection.hpp"

namespace creditgate {

class UpstreamPool {
  public:
    static constexpr std::size_t kMaxIdle = 256;

    UpstreamPool(net::any_io_executor executor, const ProviderConfig& provider,
                 std::shared_ptr<ssl::context> tls)
        : executor_(std::move(executor)), provider_(provider), tls_(std::move(tls)) {}

    // A healthy idle connection, or nullptr: the caller then makes a new one.
    std::unique_ptr<UpstreamConnection> take_idle();
    std::unique_ptr<UpstreamConnection> make_new();
    // Returns a connection whose last response was read completely and allows keep-alive.
    void give_back(std::unique_ptr<UpstreamConnection> connection);

    void close_idle() { idle_.clear(); }

    const ProviderConfig& provider() const { return provider_; }

  private:
    net::any_io_executor executor_;
    const ProviderConfig& provider_;
    std::shared_ptr<ssl::context> tls_;
    std::vector<std::unique_ptr<UpstreamConnection>> idle_;
};

}  // namespace creditgate
