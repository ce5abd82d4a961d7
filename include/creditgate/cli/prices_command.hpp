#pragma once
// `creditgate prices import --from litellm FILE [--provider P] [--models a,b]`: prints model
// entries for the config's "models" object, converted exactly from another price list. Needs
// no config file and no secret.
#include <iosfwd>
#include <string>
#include <vector>

namespace creditgate {

// args: the words after `prices`, e.g. {"import", "--from", "litellm", "prices.json"}.
// Returns the process exit code: 0 done (the JSON object on stdout; every entry left out, and
// a summary, on stderr), 2 usage or input error (message on stderr, nothing on stdout).
int run_prices_command(const std::vector<std::string>& args);
int run_prices_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The lines `creditgate --help` shows for the prices subcommands.
const char* prices_usage();

}  // namespace creditgate
