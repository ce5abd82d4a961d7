#include "creditgate/cli/serve_command.hpp"

#include "config_reloader.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <iostream>

#include "creditgate/admin/admin_api.hpp"
#include "creditgate/cli/keys_command.hpp"
#include "creditgate/config/host_port.hpp"
#include "creditgate/http/server.hpp"
#include "creditgate/observe/event_log.hpp"
#include "creditgate/proxy/public_api.hpp"
#include "creditgate/store/sqlite_store.hpp"
#include "creditgate/tokenize/shared_encodings.hpp"

namespace creditgate {

namespace {

// Waits until no request is in flight or the grace period ends. Further signals during the drain
// are logged and ignored: a second Ctrl-C must not cut requests that are being settled.
void drain(net::io_context& control, net::signal_set& signals, std::atomic<int>& in_flight,
           std::chrono::steady_clock::time_point deadline) {
    std::function<void()> ignore_signals = [&] {
        signals.async_wait([&](const beast::error_code& ec, int signal) {
            if (ec) return;
            spdlog::warn(R"({{"event":"signal_ignored_while_draining","signal":{}}})", signal);
            ignore_signals();
        });
    };
    ignore_signals();
    net::steady_timer timer(control);
    std::function<void()> poll = [&] {
        if (in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
            signals.cancel();
            return;
        }
        timer.expires_after(std::chrono::milliseconds(20));
        timer.async_wait([&](const beast::error_code&) { poll(); });
    };
    poll();
    control.restart();
    control.run();
}

SessionLimits session_limits(const Config& config) {
    return SessionLimits{config.limits.max_body_bytes, 64 * 1024,
                         std::chrono::milliseconds(config.limits.client_idle_ms)};
}

// The BPE rank files, read once before any request: a model whose encoding is missing falls
// back to the byte bound (safe, only larger holds), which the error line says.
void load_tokenizers() {
    const auto& report = load_shared_encodings(rank_file_dirs());
    log_event(report.errors.empty() ? spdlog::level::info : spdlog::level::err, "tokenizers",
              {{"loaded", report.loaded}, {"errors", report.errors}});
}

}  // namespace

int serve(std::shared_ptr<const Config> config, const std::string& config_path) {
    std::signal(SIGPIPE, SIG_IGN);
    // Until the signal set below takes over: a reload asked for while the ledger starts must not
    // end the process (SIGHUP's default). The file was read just now anyway.
    std::signal(SIGHUP, SIG_IGN);
    // `config` is the file as it was at start: what a reload cannot change is read from it
    // (config_holder.hpp, unreloadable_change); everything else from configs.current().
    ConfigHolder configs(config);
    load_tokenizers();
    LedgerOptions ledger_options;
    ledger_options.hold_timeout_ms = config->ledger.hold_timeout_s * 1000;
    ledger_options.on_abandoned = config->ledger.on_abandoned;
    Ledger ledger(std::make_unique<SqliteStore>(config->sqlite_path, config->durability),
                  std::move(ledger_options));
    auto abandoned = ledger.start();
    KeyRegistry keys(ledger);
    keys.load();
    ProviderKeyVault provider_keys(ledger, load_byok_master_key(*config));
    if (const auto foreign = provider_keys.load(); foreign > 0) {
        // Never a silent fallback to the operator's key: say so once, at start.
        log_event(spdlog::level::warn, "byok_keys_unusable",
                  {{"count", foreign},
                   {"reason", provider_keys.configured()
                                  ? "sealed under another master key than byok.master_key_file"
                                  : "byok is not configured"}});
    }

    TlsContexts tls;
    tls.prepare(*config);

    std::atomic<int> in_flight{0};
    Server server(config->threads);
    SignInThrottle sign_in_throttle;  // failed sign-ins per address, across the I/O threads
    std::vector<std::unique_ptr<PublicApi>> public_apis;
    std::vector<RequestHandler*> handlers;
    for (int i = 0; i < server.threads(); ++i) {
        public_apis.push_back(std::make_unique<PublicApi>(server.context(i).get_executor(), configs,
                                                          ledger, keys, provider_keys, in_flight,
                                                          tls, sign_in_throttle));
        handlers.push_back(public_apis.back().get());
    }
    // Signals and reloads are handled on the main thread, away from the I/O threads.
    net::io_context control;
    ConfigReloader reloader(config_path, configs, tls, [&server](const Config& next) {
        server.set_session_limits(session_limits(next));
    });
    AdminApi admin(
        configs, ledger, keys, provider_keys,
        [&control, &reloader](const std::string& actor, std::function<void(ReloadOutcome)> done) {
            net::post(control, [&reloader, actor, done = std::move(done)] {
                done(reloader.reload("admin", actor));
            });
        });
    // Teardown order matters, on every exit path: stop the threads, close idle pooled upstream
    // sockets while their io_contexts exist, destroy unfinished requests (their holds end while
    // the ledger still runs), then the handlers, then the ledger.
    struct Teardown {
        std::function<void()> run;
        ~Teardown() { run(); }
    } teardown{[&] {
        server.stop();
        for (auto& api : public_apis) api->close_idle_upstreams();
        server.shutdown();
        public_apis.clear();
        ledger.stop();
    }};
    auto public_port = server.listen_all(config->listen, handlers, session_limits(*config));
    auto admin_port = server.listen_one(config->admin_listen, 0, admin, session_limits(*config));

    net::signal_set signals(control, SIGTERM, SIGINT, SIGHUP);
    int received = 0;
    std::function<void()> wait_for_signal = [&] {
        signals.async_wait([&](const beast::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                reloader.reload("SIGHUP", "");
                return wait_for_signal();
            }
            received = signal;
        });
    };
    wait_for_signal();
    server.start();

    spdlog::info(
        R"({{"event":"started","version":"{}","public":"{}","admin":"{}","threads":{},"database":"{}","abandoned_holds":{},"price_version":"{}"}})",
        CREDITGATE_VERSION, host_port(config->listen.host, public_port),
        host_port(config->admin_listen.host, admin_port), server.threads(), config->sqlite_path,
        abandoned, config->price_version);
    std::cout << "creditgate listening public=" << host_port(config->listen.host, public_port)
              << " admin=" << host_port(config->admin_listen.host, admin_port) << std::endl;

    control.run();
    spdlog::info(R"({{"event":"draining","signal":{},"in_flight":{}}})", received,
                 in_flight.load());
    server.begin_drain();
    drain(control, signals, in_flight,
          std::chrono::steady_clock::now() +
              std::chrono::milliseconds(configs.current()->limits.shutdown_grace_ms));
    auto left = in_flight.load();
    teardown.run();  // requests past the grace period end their holds here
    teardown.run = [] {};
    spdlog::info(R"({{"event":"stopped","unfinished_requests":{}}})", left);
    spdlog::shutdown();
    return 0;
}

}  // namespace creditgate
