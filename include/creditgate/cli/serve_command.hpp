#pragma once
// `creditgate serve`: the composition root. Wires the modules into a running service:
// store -> ledger -> keys -> listeners. It sits above every other module, so no lower module
// needs to know about its peers (proxy never includes admin).
#include <memory>
#include <string>

#include "creditgate/config/config.hpp"

namespace creditgate {

// Serves until SIGTERM or SIGINT, then drains in-flight requests (bounded by
// limits.shutdown_grace_ms), commits the ledger and returns the process exit code. SIGHUP and
// POST /admin/reload read `config_path` again (config_holder.hpp says what a reload may change).
int serve(std::shared_ptr<const Config> config, const std::string& config_path);

}  // namespace creditgate
