#pragma once
// `creditgate ledger SUBCOMMAND ...`: maintenance commands on the ledger's database, run next to
// (or without) a serving creditgate. They read only the config's database path: no secret from
// the environment is needed or read.
#include <iosfwd>
#include <string>
#include <vector>

namespace creditgate {

// args: the words after `ledger`, e.g. {"backup", "--config", "F", "OUT"}.
// Returns the process exit code: 0 done (one summary line on stdout), 1 failure (message on
// stderr), 2 usage error (message and usage on stderr).
int run_ledger_command(const std::vector<std::string>& args);
int run_ledger_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The lines `creditgate --help` shows for the ledger subcommands.
const char* ledger_usage();

}  // namespace creditgate
