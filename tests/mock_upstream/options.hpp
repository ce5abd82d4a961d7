#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace creditgate::mock {

struct Options {
    boost::asio::ip::tcp::endpoint listen;
    unsigned threads = 1;
    std::string tls_cert_path;  // both set: serve HTTPS
    std::string tls_key_path;

    bool tls() const { return !tls_cert_path.empty(); }
};

inline constexpr const char* kUsage =
    "usage: mock_upstream --listen HOST:PORT [--threads N] "
    "[--tls-cert cert.pem --tls-key key.pem]";

// Throws std::invalid_argument with a message fit for stderr.
Options parse_options(int argc, char** argv);

}  // namespace creditgate::mock
