#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace creditgate::mock {

// A TLS server context for the given PEM certificate chain and private key.
// Throws boost::system::system_error when a file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const std::string& cert_path,
                                                                   const std::string& key_path);

}  // namespace creditgate::mock
