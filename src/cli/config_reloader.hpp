#pragma once
// Reloads the config file of a running `serve`: parse it, refuse what cannot change at run time,
// load the CA files of new https providers, swap it in, and log what happened. A refused file
// leaves the running config in force. Used from the control thread only: one reload at a time.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "creditgate/config/config_holder.hpp"
#include "creditgate/upstream/tls_contexts.hpp"

namespace creditgate {

class ConfigReloader {
  public:
    // `applied` runs after each successful swap (to pass on settings read outside requests).
    ConfigReloader(std::string file_path, ConfigHolder& configs, TlsContexts& tls,
                   std::function<void(const Config&)> applied)
        : file_path_(std::move(file_path)),
          configs_(configs),
          tls_(tls),
          applied_(std::move(applied)) {}

    // `source`: "SIGHUP" or "admin"; `actor`: the admin token's name (empty for a signal).
    ReloadOutcome reload(std::string_view source, std::string_view actor);

  private:
    ReloadOutcome try_reload();

    std::string file_path_;
    ConfigHolder& configs_;
    TlsContexts& tls_;
    std::function<void(const Config&)> applied_;
};

}  // namespace creditgate
