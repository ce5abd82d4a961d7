#include "config_reloader.hpp"

#include "creditgate/observe/event_log.hpp"

namespace creditgate {

ReloadOutcome ConfigReloader::reload(std::string_view source, std::string_view actor) {
    const ReloadOutcome outcome = try_reload();
    const nlohmann::ordered_json by = actor.empty() ? nlohmann::ordered_json() : actor;
    if (outcome.applied) {
        log_event(spdlog::level::info, "config_reloaded",
                  {{"source", source},
                   {"actor", by},
                   {"file", file_path_},
                   {"price_version", outcome.price_version},
                   {"previous_price_version", outcome.previous_price_version}});
    } else {
        log_event(spdlog::level::warn, "config_reload_refused",
                  {{"source", source},
                   {"actor", by},
                   {"file", file_path_},
                   {"path", outcome.json_path},
                   {"reason", outcome.reason}});
    }
    return outcome;
}

ReloadOutcome ConfigReloader::try_reload() {
    std::shared_ptr<const Config> next;
    try {
        next = std::make_shared<const Config>(load_config(file_path_));
        // Before the swap: a request that picks the new config finds its provider's TLS ready.
        tls_.prepare(*next);
    } catch (const ConfigError& e) {
        ReloadOutcome refused;
        refused.json_path = e.json_path();
        refused.reason = e.reason();
        return refused;
    } catch (const std::exception& e) {
        // Not the file's fault (memory, OpenSSL): still no reason to stop serving.
        ReloadOutcome refused;
        refused.reason = e.what();
        return refused;
    }
    auto outcome = configs_.replace(next);
    if (outcome.applied) applied_(*next);
    return outcome;
}

}  // namespace creditgate
