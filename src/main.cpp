// The command line: parses arguments and hands over to the modules.
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "creditgate/cli/keys_command.hpp"
#include "creditgate/cli/ledger_command.hpp"
#include "creditgate/cli/prices_command.hpp"
#include "creditgate/cli/serve_command.hpp"
#include "creditgate/config/config.hpp"
#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/thread_name.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/store/store.hpp"

namespace {

constexpr const char* kUsageHead = R"(creditgate — a credit-metered, OpenAI-compatible LLM proxy

Usage:
  creditgate serve --config FILE         run the proxy (SIGTERM drains and exits 0)
  creditgate check-config --config FILE  validate FILE and print the models and prices
)";
constexpr const char* kUsageTail = R"(  creditgate --version
  creditgate --help

Default config file: config/creditgate.json
)";

void print_usage(std::ostream& out) {
    out << kUsageHead << creditgate::ledger_usage() << creditgate::prices_usage()
        << creditgate::keys_usage() << kUsageTail;
}

void setup_logging() {
    // JSON lines on stderr, written by a background thread so request threads never block on it.
    spdlog::init_thread_pool(8192, 1, [] { creditgate::name_this_thread("cg-log"); });
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::async_logger>("creditgate", sink, spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::block);
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
}

int check_config(const creditgate::Config& config) {
    using creditgate::format_nanos;
    // The master key file is checked here too (length, permissions): a bad one fails at start.
    std::optional<creditgate::MasterKey> byok_key;
    try {
        byok_key = creditgate::load_byok_master_key(config);
    } catch (const creditgate::MasterKeyError& e) {
        std::cerr << "creditgate: config error: " << e.what() << "\n";
        return 1;
    }
    std::cout
        << "config OK (price version " << config.price_version << ")\n"
        << "listen " << config.listen.host << ":" << config.listen.port << ", admin "
        << config.admin_listen.host << ":" << config.admin_listen.port << ", database "
        << config.sqlite_path << ", threads " << config.threads << "\n"
        << "markup " << format_nanos(config.markup.percent_nanos) << "% + "
        << format_nanos(config.markup.fixed_nanos) << " credits per request\n"
        << "models (credits per 1M tokens: input / cached input / output, max output tokens):\n";
    for (const auto& [name, model] : config.models) {
        std::cout << "  " << name << " -> " << model.provider << "/" << model.upstream_model << "  "
                  << format_nanos(model.price.input_nanos_per_mtok) << " / "
                  << format_nanos(model.price.cached_input_nanos_per_mtok) << " / "
                  << format_nanos(model.price.output_nanos_per_mtok) << ", "
                  << model.max_output_tokens << (model.byok_only ? ", byok only" : "") << "\n";
    }
    if (byok_key) {
        std::cout << "byok: master key " << byok_key->id << " from " << config.byok_master_key_file
                  << "\n";
    } else {
        std::cout << "byok: not configured\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(std::cout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "creditgate " << CREDITGATE_VERSION << "\n";
        return 0;
    }
    const std::string& command = args[0];
    if (command == "ledger") {
        return creditgate::run_ledger_command(
            std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (command == "keys") {
        return creditgate::run_keys_command(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (command == "prices") {
        return creditgate::run_prices_command(
            std::vector<std::string>(args.begin() + 1, args.end()));
    }
    std::string config_path = "config/creditgate.json";
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            config_path = args[++i];
        } else {
            std::cerr << "creditgate: unknown argument '" << args[i] << "'\n";
            print_usage(std::cerr);
            return 2;
        }
    }
    if (command != "serve" && command != "check-config") {
        std::cerr << "creditgate: unknown command '" << command << "'\n";
        print_usage(std::cerr);
        return 2;
    }
    std::shared_ptr<const creditgate::Config> config;
    try {
        config = std::make_shared<const creditgate::Config>(creditgate::load_config(config_path));
    } catch (const creditgate::ConfigError& e) {
        std::cerr << "creditgate: config error in " << config_path << ": " << e.what() << "\n";
        return 1;
    }
    if (command == "check-config") return check_config(*config);
    setup_logging();
    try {
        return creditgate::serve(config, config_path);
    } catch (const std::exception& e) {
        creditgate::log_event(spdlog::level::critical, "fatal", {{"error", e.what()}});
        spdlog::shutdown();
        std::cerr << "creditgate: " << e.what() << "\n";
        return 1;
    }
}
