// mock_upstream: an OpenAI-like provider for creditgate's integration tests and benchmarks.
// Wiring only: options, TLS context, listener, worker threads, signals.

#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include "listener.hpp"
#include "mock_state.hpp"
#include "options.hpp"
#include "tls_context.hpp"

namespace {

namespace mock = creditgate::mock;
namespace net = boost::asio;

std::string format_endpoint(const net::ip::tcp::endpoint& endpoint) {
    // Appends rather than operator+: g++ 12 reports a false -Wrestrict on "[" + s + "]".
    std::string out;
    const auto address = endpoint.address();
    if (address.is_v6()) out.append("[").append(address.to_string()).append("]");
    if (!address.is_v6()) out.append(address.to_string());
    out.append(":").append(std::to_string(endpoint.port()));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    mock::Options options;
    try {
        options = mock::parse_options(argc, argv);
    } catch (const std::invalid_argument& error) {
        std::cerr << "mock_upstream: " << error.what() << '\n' << mock::kUsage << '\n';
        return 2;
    }

    // Declared before the io_context: sessions destroyed with it still count themselves out.
    mock::MockState state;
    try {
        std::shared_ptr<net::ssl::context> tls;
        if (options.tls()) {
            tls = mock::make_tls_server_context(options.tls_cert_path, options.tls_key_path);
        }
        net::io_context io(static_cast<int>(options.threads));
        auto listener = std::make_shared<mock::Listener>(io, options.listen, tls, state);
        std::cout << "listening " << format_endpoint(listener->local_endpoint()) << std::endl;
        listener->run();

        net::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });

        std::vector<std::thread> workers;
        workers.reserve(options.threads - 1);
        for (unsigned i = 1; i < options.threads; ++i) {
            workers.emplace_back([&io] { io.run(); });
        }
        io.run();
        for (auto& worker : workers) worker.join();
    } catch (const boost::system::system_error& error) {
        std::cerr << "mock_upstream: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
