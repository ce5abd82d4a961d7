#pragma once
// `creditgate serve`: the composition root. Wires the modules into a running service:
// store -> ledger -> keys -> listeners. It sits above every other module, so no lower module
// needs to know about its peers (proxy never includes admin).
#include <memory>

#include "creditgate/config/config.hpp"

namespace creditgate {

// Serves until SIGTERM or SIGINT, then drains in-flight requests (bounded by
// limits.shutdown_grace_ms), commits the ledger and returns the process exit code.
int serve(std::shared_ptr<const Config> config);

}  // namespace creditgate
