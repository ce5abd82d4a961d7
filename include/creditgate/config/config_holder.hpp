#pragma once
// The configuration in force, replaced whole by a reload (SIGHUP, POST /admin/reload). A request
// reads it once, when it starts, and keeps that snapshot until it settles: one request never
// mixes two price tables.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "creditgate/config/config.hpp"

namespace creditgate {

// What a reload did: applied (with the price versions before and after) or refused (the JSON
// path of the offending field, empty when the file as a whole is unreadable, and the reason).
struct ReloadOutcome {
    bool applied = false;
    std::string price_version;           // applied: the new table's version
    std::string previous_price_version;  // applied: the version it replaced
    std::string json_path;               // refused
    std::string reason;                  // refused
};

// The settings a running process cannot take from a new file: the listeners, the database, the
// ledger's hold rules (open holds were placed under them) and the thread count. Returns the
// first of them that differs, or nullopt when `next` may replace `running`.
std::optional<ConfigError> unreloadable_change(const Config& running, const Config& next);

class ConfigHolder {
  public:
    explicit ConfigHolder(std::shared_ptr<const Config> initial) : current_(std::move(initial)) {}

    // Lock-free on the request path.
    std::shared_ptr<const Config> current() const { return current_.load(); }

    // Swaps `next` in unless unreloadable_change() refuses it; the running config then stays.
    ReloadOutcome replace(std::shared_ptr<const Config> next);

  private:
    std::atomic<std::shared_ptr<const Config>> current_;
    std::mutex replacing_;  // two reloads at once must not both compare against the same old one
};

}  // namespace creditgate
