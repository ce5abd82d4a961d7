#include "creditgate/upstream/tls_contexts.hpp"

#include <boost/system/system_error.hpp>

#include "creditgate/validate/object_reader.hpp"

namespace creditgate {

void TlsContexts::prepare(const Config& config) {
    for (const auto& [name, provider] : config.providers) {
        try {
            for_provider(provider);
        } catch (const boost::system::system_error& e) {
            throw ConfigError(
                validate::member_path(validate::entry_path("providers", name), "ca_file"),
                "cannot load the CA file: " + e.code().message());
        }
    }
}

std::shared_ptr<ssl::context> TlsContexts::for_provider(const ProviderConfig& provider) {
    if (provider.scheme != "https") return nullptr;
    const std::lock_guard lock(mutex_);
    auto& tls = by_ca_file_[provider.ca_file];
    if (!tls) tls = make_client_tls_context(provider);
    return tls;
}

}  // namespace creditgate
