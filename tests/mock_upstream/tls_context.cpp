#include "tls_context.hpp"

namespace creditgate::mock {

std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const std::string& cert_path,
                                                                   const std::string& key_path) {
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    context->use_certificate_chain_file(cert_path);
    context->use_private_key_file(key_path, ssl::context::pem);
    return context;
}

}  // namespace creditgate::mock
