#include "creditgate/cli/keys_command.hpp"

#include <algorithm>
#include <iostream>

#include "creditgate/auth/provider_key_seal.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {

namespace {

constexpr const char* kUsage =
    "  creditgate keys new-master --out FILE  write a new BYOK master key (mode 0600)\n"
    "  creditgate keys rotate-master --config FILE --new-key-file NEW\n"
    "                                         re-encrypt every stored provider key under NEW\n";

int usage_error(std::ostream& err, const std::string& message) {
    err << "creditgate: " << message << "\nUsage:\n" << kUsage;
    return 2;
}

// Rotation needs only the database path and the master key file: provider keys and admin
// tokens named by the config are never read (as for `ledger` commands).
std::optional<std::string> secrets_not_needed(const std::string&) {
    return std::string("unused-by-keys-commands");
}

int new_master(const std::string& out_path, std::ostream& out, std::ostream& err) {
    try {
        const auto key = write_new_master_key_file(out_path);
        out << "keys new-master: wrote a new master key (id " << key.id << ") to " << out_path
            << " (mode 0600); name it in the config as \"byok\": {\"master_key_file\": \""
            << out_path << "\"}\n";
        return 0;
    } catch (const MasterKeyError& e) {
        err << "creditgate: keys new-master: " << e.what() << "\n";
        return 1;
    }
}

int rotate_master(const std::string& config_path, const std::string& new_key_path,
                  std::ostream& out, std::ostream& err) {
    try {
        const auto config = load_config(config_path, secrets_not_needed);
        const auto old_key = load_byok_master_key(config);
        if (!old_key) {
            err << "creditgate: keys rotate-master: " << config_path
                << " has no byok.master_key_file: there is no key to rotate from\n";
            return 1;
        }
        const auto new_key = load_master_key_file(new_key_path);
        if (new_key.id == old_key->id) {
            err << "creditgate: keys rotate-master: " << new_key_path
                << " holds the same key as the config's (id " << new_key.id << ")\n";
            return 1;
        }
        SqliteStore store(config.sqlite_path, config.durability);
        const auto outcome = rotate_master_key(store, *old_key, new_key);
        out << "keys rotate-master: re-encrypted " << outcome.resealed
            << " provider keys from master key " << old_key->id << " to " << new_key.id;
        if (outcome.already_next > 0) out << " (" << outcome.already_next << " already were)";
        out << "; now set byok.master_key_file to " << new_key_path << " and restart\n";
        return 0;
    } catch (const ConfigError& e) {
        err << "creditgate: keys rotate-master: config error in " << config_path << ": " << e.what()
            << "\n";
    } catch (const MasterKeyError& e) {
        err << "creditgate: keys rotate-master: " << e.what() << "\n";
    } catch (const StoreError& e) {
        err << "creditgate: keys rotate-master: " << e.what() << "; nothing was changed\n";
    }
    return 1;
}

// The value after `flag` in args, or nullopt.
std::optional<std::string> option(const std::vector<std::string>& args, const std::string& flag) {
    for (std::size_t i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == flag) return args[i + 1];
    }
    return std::nullopt;
}

bool only_options(const std::vector<std::string>& args,
                  std::initializer_list<std::string_view> flags) {
    if (args.size() != 1 + 2 * flags.size()) return false;
    for (std::size_t i = 1; i < args.size(); i += 2) {
        if (std::find(flags.begin(), flags.end(), args[i]) == flags.end()) return false;
    }
    return true;
}

}  // namespace

std::optional<MasterKey> load_byok_master_key(const Config& config) {
    if (config.byok_master_key_file.empty()) return std::nullopt;
    return load_master_key_file(config.byok_master_key_file);
}

const char* keys_usage() {
    return kUsage;
}

int run_keys_command(const std::vector<std::string>& args) {
    return run_keys_command(args, std::cout, std::cerr);
}

int run_keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) return usage_error(err, "keys: missing subcommand");
    if (args[0] == "new-master") {
        if (!only_options(args, {"--out"})) {
            return usage_error(err, "keys new-master: expected --out FILE");
        }
        return new_master(*option(args, "--out"), out, err);
    }
    if (args[0] == "rotate-master") {
        if (!only_options(args, {"--config", "--new-key-file"}) || !option(args, "--config") ||
            !option(args, "--new-key-file")) {
            return usage_error(err,
                               "keys rotate-master: expected --config FILE --new-key-file NEW");
        }
        return rotate_master(*option(args, "--config"), *option(args, "--new-key-file"), out, err);
    }
    return usage_error(err, "keys: unknown subcommand '" + args[0] + "'");
}

}  // namespace creditgate
