#include "creditgate/config/config_holder.hpp"

namespace creditgate {

namespace {

constexpr const char* kRestartNeeded = "cannot change while creditgate runs (restart to apply it)";

bool same_address(const ListenAddress& a, const ListenAddress& b) {
    return a.host == b.host && a.port == b.port;
}

}  // namespace

std::optional<ConfigError> unreloadable_change(const Config& running, const Config& next) {
    // The sockets are bound and the threads started once.
    if (!same_address(running.listen, next.listen)) return ConfigError("listen", kRestartNeeded);
    if (!same_address(running.admin_listen, next.admin_listen)) {
        return ConfigError("admin.listen", kRestartNeeded);
    }
    if (running.threads != next.threads) return ConfigError("threads", kRestartNeeded);
    // The ledger and its store are opened once.
    if (running.sqlite_path != next.sqlite_path) {
        return ConfigError("database.sqlite", kRestartNeeded);
    }
    if (running.durability != next.durability) {
        return ConfigError("database.durability", kRestartNeeded);
    }
    // The BYOK master key is read once, at start (a rotation is a restart: docs/keys.md, Bring your
    // own key).
    if (running.byok_master_key_file != next.byok_master_key_file) {
        return ConfigError("byok.master_key_file", kRestartNeeded);
    }
    // Open holds were placed with these deadlines and abandon rule.
    if (running.ledger.hold_timeout_s != next.ledger.hold_timeout_s) {
        return ConfigError("ledger.hold_timeout_s", kRestartNeeded);
    }
    if (running.ledger.on_abandoned != next.ledger.on_abandoned) {
        return ConfigError("ledger.on_abandoned", kRestartNeeded);
    }
    return std::nullopt;
}

ReloadOutcome ConfigHolder::replace(std::shared_ptr<const Config> next) {
    const std::lock_guard lock(replacing_);
    const auto running = current_.load();
    ReloadOutcome outcome;
    if (auto refusal = unreloadable_change(*running, *next)) {
        outcome.json_path = refusal->json_path();
        outcome.reason = refusal->reason();
        return outcome;
    }
    outcome.applied = true;
    outcome.previous_price_version = running->price_version;
    outcome.price_version = next->price_version;
    current_.store(std::move(next));
    return outcome;
}

}  // namespace creditgate
