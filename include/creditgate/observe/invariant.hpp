#pragma once
// An always-on check of our own invariants (money rules, "a hold ends exactly once"). Unlike
// assert it is not compiled out by NDEBUG: a ledger that breaks a rule must stop before it
// commits the damage; a restart rebuilds memory from what was durable. Never use it for what a
// client, a config file or an upstream can send: those get an error, not an abort.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>

#include "creditgate/observe/event_log.hpp"

namespace creditgate::detail {

[[noreturn]] inline void invariant_failed(const char* condition, const char* what, const char* file,
                                          int line) {
    log_event(spdlog::level::critical, "invariant_failed",
              {{"check", condition},
               {"what", what},
               {"at", std::string(file) + ":" + std::to_string(line)}});
    spdlog::shutdown();  // flush the line above before the process ends
    std::abort();
}

}  // namespace creditgate::detail

// CG_CHECK(reserved_nanos >= 0, "reserved never negative");
#define CG_CHECK(condition, what)                                                         \
    do {                                                                                  \
        if (!(condition)) [[unlikely]]                                                    \
            ::creditgate::detail::invariant_failed(#condition, what, __FILE__, __LINE__); \
    } while (0)
