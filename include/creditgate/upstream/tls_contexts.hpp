#pragma once
// Client TLS contexts shared by every I/O thread, one per CA setting (the system CAs, plus a
// provider's ca_file when it has one). They are made on the control thread, at start and before
// a reload is swapped in, so an I/O thread only looks them up and never reads a CA file.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "creditgate/upstream/connection.hpp"

namespace creditgate {

class TlsContexts {
  public:
    // Makes the contexts of every https provider of `config` that are not made yet. Throws
    // ConfigError (providers["name"].ca_file) when a CA file cannot be loaded.
    void prepare(const Config& config);
    // The context for `provider`: nullptr for plain http; made now if prepare() did not.
    std::shared_ptr<ssl::context> for_provider(const ProviderConfig& provider);

  private:
    std::mutex mutex_;
    // By ca_file ("" = system CAs only). A CA file is read once per path while the process
    // runs: a reload that points a provider at a new file reads that one.
    std::map<std::string, std::shared_ptr<ssl::context>> by_ca_file_;
};

}  // namespace creditgate
