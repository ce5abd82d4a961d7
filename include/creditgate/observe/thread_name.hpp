#pragma once
// Every thread creditgate starts is named ("cg-io-0", "cg-ledger", ...), so that top, perf and
// /proc/<pid>/task/*/comm show which role uses the CPU.
#include <pthread.h>

#include <string>

namespace creditgate {

// Linux keeps at most 15 characters; longer names are cut rather than refused.
inline void name_this_thread(const std::string& name) {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace creditgate
