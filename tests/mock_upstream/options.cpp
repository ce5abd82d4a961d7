#include "options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace creditgate::mock {

namespace {

constexpr unsigned kMaxThreads = 256;

boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument("--listen: expected HOST:PORT, got '" + std::string(text) +
                                    "'");
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);  // [::1]:0
    }
    if (host == "localhost") host = "127.0.0.1";
    const std::string_view port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
        port > 65535) {
        throw std::invalid_argument("--listen: bad port '" + std::string(port_text) + "'");
    }
    boost::system::error_code address_ec;
    const auto address = boost::asio::ip::make_address(std::string(host), address_ec);
    if (address_ec) {
        throw std::invalid_argument("--listen: expected an IP address, got '" + std::string(host) +
                                    "'");
    }
    return {address, static_cast<unsigned short>(port)};
}

unsigned parse_threads(std::string_view text) {
    unsigned threads = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), threads);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || threads == 0 ||
        threads > kMaxThreads) {
        throw std::invalid_argument("--threads: expected an integer from 1 to 256");
    }
    return threads;
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    bool have_listen = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + ": missing value");
        const std::string_view value = argv[++i];
        if (flag == "--listen") {
            options.listen = parse_endpoint(value);
            have_listen = true;
        } else if (flag == "--threads") {
            options.threads = parse_threads(value);
        } else if (flag == "--tls-cert") {
            options.tls_cert_path = value;
        } else if (flag == "--tls-key") {
            options.tls_key_path = value;
        } else {
            throw std::invalid_argument("unknown option '" + std::string(flag) + "'");
        }
    }
    if (!have_listen) throw std::invalid_argument("--listen is required");
    if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
        throw std::invalid_argument("--tls-cert and --tls-key go together");
    }
    return options;
}

}  // namespace creditgate::mock
