#pragma once
// `creditgate keys SUBCOMMAND ...`: the BYOK master key. `new-master --out FILE` writes a fresh
// key (mode 0600); `rotate-master --config F --new-key-file N` re-encrypts every stored provider
// key from the config's master key to N in one transaction.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "creditgate/auth/master_key.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {

// The master key the config names (byok.master_key_file), or nullopt when BYOK is not
// configured. Throws MasterKeyError (unreadable file, others may read it, wrong length).
std::optional<MasterKey> load_byok_master_key(const Config& config);

// Exit codes as `ledger`: 0 done, 1 failure, 2 usage error.
int run_keys_command(const std::vector<std::string>& args);
int run_keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The lines `creditgate --help` shows for the keys subcommands.
const char* keys_usage();

}  // namespace creditgate
