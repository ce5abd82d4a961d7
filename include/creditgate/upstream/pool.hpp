#pragma once
// Idle keep-alive connections to one provider, for one I/O thread (no locking needed). Shared by
// the requests using it: a pool a reload retired lives until its last request has finished.
#include <memory>
#include <vector>

#include "creditgate/upstream/connection.hpp"

namespace creditgate {

class UpstreamPool {
  public:
    static constexpr std::size_t kMaxIdle = 256;

    UpstreamPool(net::any_io_executor executor, ProviderConfig provider,
                 std::shared_ptr<ssl::context> tls)
        : executor_(std::move(executor)), provider_(std::move(provider)), tls_(std::move(tls)) {}

    // A healthy idle connection, or nullptr: the caller then makes a new one.
    std::unique_ptr<UpstreamConnection> take_idle();
    std::unique_ptr<UpstreamConnection> make_new();
    // Returns a connection whose last response was read completely and allows keep-alive.
    void give_back(std::unique_ptr<UpstreamConnection> connection);

    void close_idle() { idle_.clear(); }
    // A reload removed or changed the provider: the idle connections close now, and those still
    // carrying a request close when it ends instead of coming back.
    void retire() {
        retired_ = true;
        close_idle();
    }

    const ProviderConfig& provider() const { return provider_; }

  private:
    net::any_io_executor executor_;
    const ProviderConfig provider_;  // its own copy: connections refer to it
    std::shared_ptr<ssl::context> tls_;
    std::vector<std::unique_ptr<UpstreamConnection>> idle_;
    bool retired_ = false;
};

}  // namespace creditgate
