#include "creditgate/upstream/provider_pools.hpp"

namespace creditgate {

void ProviderPools::follow(const std::shared_ptr<const Config>& config) {
    if (config == followed_) return;
    std::map<std::string, std::shared_ptr<UpstreamPool>> next;
    for (const auto& [name, provider] : config->providers) {
        auto kept = by_provider_.find(name);
        if (kept != by_provider_.end() && kept->second->provider() == provider) {
            next.emplace(name, std::move(kept->second));
            by_provider_.erase(kept);
            continue;
        }
        next.emplace(
            name, std::make_shared<UpstreamPool>(executor_, provider, tls_.for_provider(provider)));
    }
    for (auto& [name, pool] : by_provider_) pool->retire();
    by_provider_ = std::move(next);
    followed_ = config;
}

std::shared_ptr<UpstreamPool> ProviderPools::find(const std::string& provider) const {
    const auto pool = by_provider_.find(provider);
    return pool == by_provider_.end() ? nullptr : pool->second;
}

void ProviderPools::close_idle() {
    for (auto& [name, pool] : by_provider_) pool->close_idle();
}

}  // namespace creditgate
