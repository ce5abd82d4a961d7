#pragma once
// What the proxy pipeline of one I/O thread works with: the config in force and the ledger,
// shared, and this thread's own upstream connection pools (no locks on the request path).
#include <atomic>
#include <memory>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/config/config_holder.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/upstream/provider_pools.hpp"

namespace creditgate {

struct ProxyContext {
    const ConfigHolder& configs;
    Ledger& ledger;
    KeyRegistry& keys;
    ProviderKeyVault& provider_keys;  // users' own provider keys (BYOK)
    ProviderPools pools;              // by provider name, matching the config last snapshot() gave
    std::atomic<int>& in_flight;      // requests holding credits or talking upstream, all threads

    // The config in force, with this thread's pools made to match it. A request takes it once,
    // when it starts, and uses that snapshot (prices, limits, pool) until it settles.
    std::shared_ptr<const Config> snapshot() {
        auto config = configs.current();
        pools.follow(config);
        return config;
    }
};

}  // namespace creditgate
