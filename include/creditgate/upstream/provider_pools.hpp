#pragma once
// One I/O thread's upstream pools, one per provider of the config in force. After a reload,
// follow() makes them match the new provider set: an unchanged provider keeps its pool and its
// idle connections, a new one gets a pool, a removed or changed one's pool is retired (requests
// still using it finish on the connection they have, which then closes).
#include <map>
#include <memory>
#include <string>

#include "creditgate/upstream/pool.hpp"
#include "creditgate/upstream/tls_contexts.hpp"

namespace creditgate {

class ProviderPools {
  public:
    ProviderPools(net::any_io_executor executor, TlsContexts& tls)
        : executor_(std::move(executor)), tls_(tls) {}

    // Cheap when `config` is the one followed last (a pointer comparison).
    void follow(const std::shared_ptr<const Config>& config);
    // The pool of a provider of the config followed last; nullptr for an unknown name.
    std::shared_ptr<UpstreamPool> find(const std::string& provider) const;
    // Shutdown: closes the idle connections of every pool.
    void close_idle();

  private:
    net::any_io_executor executor_;
    TlsContexts& tls_;
    std::shared_ptr<const Config> followed_;
    std::map<std::string, std::shared_ptr<UpstreamPool>> by_provider_;
};

}  // namespace creditgate
