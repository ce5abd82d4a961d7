#pragma once
// What the proxy pipeline of one I/O thread works with: shared config and ledger, and this
// thread's own upstream connection pools (no locks on the request path).
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/config/config.hpp"
// The exchange maps ledger results through this header; it reaches it from here until it
// includes it itself.
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/upstream/pool.hpp"

namespace creditgate {

struct ProxyContext {
    std::shared_ptr<const Config> config;
    Ledger& ledger;
    KeyRegistry& keys;
    std::map<std::string, std::unique_ptr<UpstreamPool>> pools;  // by provider name
    std::atomic<int>& in_flight;  // requests holding credits or talking upstream, all threads
};

}  // namespace creditgate
