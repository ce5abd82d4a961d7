#pragma once
// One keep-alive connection to a provider, plain TCP or TLS (SNI, peer and host-name verified).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "creditgate/config/config.hpp"

namespace creditgate {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

using UpstreamRequest = http::request<http::string_body>;
using UpstreamParser = http::response_parser<http::buffer_body>;
using Handler = std::function<void(beast::error_code)>;

// TLS settings shared by all connections to one provider: system CAs (plus the provider's
// ca_file), peer verification on.
std::shared_ptr<ssl::context> make_client_tls_context(const ProviderConfig& provider);

class UpstreamConnection {
  public:
    static constexpr std::size_t kReadCapacityBytes = 16 * 1024;

    UpstreamConnection(net::any_io_executor executor, const ProviderConfig& provider,
                       ssl::context* tls);

    // Resolves, connects (TCP_NODELAY) and, for https, handshakes; all within `timeout`
    // (beast::error::timeout past it, whichever phase was running).
    void connect(std::chrono::milliseconds timeout, Handler done);
    void write(const UpstreamRequest& request, std::chrono::milliseconds timeout, Handler done);
    // Reads the status line and headers.
    void read_header(UpstreamParser& parser, std::chrono::milliseconds timeout, Handler done);
    // Reads the next piece of the body into the parser's buffer_body.
    void read_some(UpstreamParser& parser, std::chrono::milliseconds timeout,
                   std::function<void(beast::error_code, std::size_t)> done);
    void close();
    // Bytes read from the socket but not parsed yet (e.g. body bytes that came with the header).
    std::size_t buffered_bytes() const { return buffer_.size(); }
    // Parses what is already buffered into the parser's buffer_body, never reading the socket:
    // providers send one HTTP chunk per SSE event, and read_some stops after each chunk, so
    // without this one read that brought 20 events became 20 writes to the client. Stops when
    // the buffer is used up or ends in the middle of a chunk, the body buffer is full, or the
    // message is complete. Errors are the parser's (a malformed chunk).
    void parse_buffered(UpstreamParser& parser, beast::error_code& ec);

    // While the connection sits in a pool, an asynchronous wait notices the provider closing it
    // (or sending anything unasked): no system call is needed when it is taken again.
    void watch_idle();
    // Ends the watch (the connection is taken out of the pool to carry a request).
    void stop_watching_idle();
    // Open, nothing unread, and the provider has not closed it while it was idle.
    bool usable_when_idle() const;
    bool is_open() const;

  private:
    template <typename F>
    decltype(auto) visit(F&& f) {
        return std::visit(std::forward<F>(f), stream_);
    }
    beast::tcp_stream& tcp();
    const beast::tcp_stream& tcp() const;
    void on_connected(Handler done);

    const ProviderConfig& provider_;
    net::ip::tcp::resolver resolver_;
    net::steady_timer resolve_timer_;  // the connect deadline, while the resolver runs
    bool resolve_timed_out_ = false;
    std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream_;
    beast::flat_buffer buffer_;
    // Shared with the pending wait's handler, which may run after this connection is gone.
    struct IdleWatch {
        std::uint64_t generation = 0;
        bool broken = false;
    };
    std::shared_ptr<IdleWatch> idle_watch_ = std::make_shared<IdleWatch>();
};

}  // namespace creditgate
