#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "mock_state.hpp"

namespace creditgate::mock {

// Serves one accepted connection until it closes: HTTPS when tls is set, plain HTTP otherwise.
void start_session(boost::asio::ip::tcp::socket socket,
                   std::shared_ptr<boost::asio::ssl::context> tls, MockState& state);

}  // namespace creditgate::mock
