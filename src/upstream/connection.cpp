#include "creditgate/upstream/connection.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace creditgate {

std::shared_ptr<ssl::context> make_client_tls_context(const ProviderConfig& provider) {
    auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
    tls->set_default_verify_paths();
    if (!provider.ca_file.empty()) tls->load_verify_file(provider.ca_file);
    tls->set_verify_mode(ssl::verify_peer);
    return tls;
}

namespace {
using Plain = beast::tcp_stream;
using Tls = beast::ssl_stream<beast::tcp_stream>;

std::variant<Plain, Tls> make_stream(net::any_io_executor executor, ssl::context* tls) {
    if (tls) return std::variant<Plain, Tls>(std::in_place_type<Tls>, executor, *tls);
    return std::variant<Plain, Tls>(std::in_place_type<Plain>, executor);
}
}  // namespace

UpstreamConnection::UpstreamConnection(net::any_io_executor executor,
                                       const ProviderConfig& provider, ssl::context* tls)
    : provider_(provider),
      resolver_(executor),
      resolve_timer_(executor),
      stream_(make_stream(executor, tls)) {
    // Beast reads at most the buffer's free capacity, 512 bytes for a new flat_buffer: without
    // this a 6 KB stream arrives in a dozen reads and leaves as a dozen chunks.
    buffer_.reserve(kReadCapacityBytes);
}

beast::tcp_stream& UpstreamConnection::tcp() {
    return visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); });
}
const beast::tcp_stream& UpstreamConnection::tcp() const {
    return std::visit(
        [](const auto& s) -> const beast::tcp_stream& { return beast::get_lowest_layer(s); },
        stream_);
}

void UpstreamConnection::connect(std::chrono::milliseconds timeout, Handler done) {
    // The whole connect phase shares one deadline: resolve, TCP connect and TLS handshake. The
    // resolver has no deadline of its own (getaddrinfo can wait on a dead DNS server for
    // seconds), so a timer cancels it.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    resolve_timed_out_ = false;
    resolve_timer_.expires_at(deadline);
    resolve_timer_.async_wait([this](beast::error_code ec) {
        if (ec) return;  // the resolve finished first
        resolve_timed_out_ = true;
        resolver_.cancel();
    });
    resolver_.async_resolve(
        provider_.host, std::to_string(provider_.port),
        [this, deadline, done = std::move(done)](
            beast::error_code ec, net::ip::tcp::resolver::results_type results) mutable {
            resolve_timer_.cancel();
            if (resolve_timed_out_) return done(beast::error::timeout);
            if (ec) return done(ec);
            tcp().expires_at(deadline);
            tcp().async_connect(
                results, [this, done = std::move(done)](beast::error_code connect_ec,
                                                        const net::ip::tcp::endpoint&) mutable {
                    if (connect_ec) return done(connect_ec);
                    tcp().socket().set_option(net::ip::tcp::no_delay(true));
                    on_connected(std::move(done));
                });
        });
}

void UpstreamConnection::on_connected(Handler done) {
    auto* tls = std::get_if<Tls>(&stream_);
    if (!tls) return done({});
    // SNI carries DNS names only (RFC 6066); an IP literal is checked against the certificate's
    // IP addresses by host_name_verification instead.
    beast::error_code not_an_address;
    net::ip::make_address(provider_.host, not_an_address);
    if (not_an_address && !SSL_set_tlsext_host_name(tls->native_handle(), provider_.host.c_str())) {
        return done(
            beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
    }
    tls->set_verify_callback(ssl::host_name_verification(provider_.host));
    tls->async_handshake(ssl::stream_base::client, std::move(done));
}

void UpstreamConnection::write(const UpstreamRequest& request, std::chrono::milliseconds timeout,
                               Handler done) {
    tcp().expires_after(timeout);
    visit([&](auto& s) {
        http::async_write(
            s, request, [done = std::move(done)](beast::error_code ec, std::size_t) { done(ec); });
    });
}

void UpstreamConnection::read_header(UpstreamParser& parser, std::chrono::milliseconds timeout,
                                     Handler done) {
    tcp().expires_after(timeout);
    visit([&](auto& s) {
        http::async_read_header(
            s, buffer_, parser,
            [done = std::move(done)](beast::error_code ec, std::size_t) { done(ec); });
    });
}

void UpstreamConnection::read_some(UpstreamParser& parser, std::chrono::milliseconds timeout,
                                   std::function<void(beast::error_code, std::size_t)> done) {
    tcp().expires_after(timeout);
    visit([&](auto& s) { http::async_read_some(s, buffer_, parser, std::move(done)); });
}

void UpstreamConnection::parse_buffered(UpstreamParser& parser, beast::error_code& ec) {
    ec = {};
    while (buffer_.size() > 0 && !parser.is_done() && parser.get().body().size > 0) {
        const auto used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        // need_more: the rest is still on its way; need_buffer: the body buffer is full.
        if (ec == http::error::need_more || ec == http::error::need_buffer) {
            ec = {};
            return;
        }
        if (ec || used == 0) return;
    }
}

void UpstreamConnection::close() {
    beast::error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
}

bool UpstreamConnection::is_open() const {
    return tcp().socket().is_open();
}

void UpstreamConnection::watch_idle() {
    auto watch = idle_watch_;
    const auto generation = ++watch->generation;
    tcp().socket().async_wait(net::ip::tcp::socket::wait_read,
                              [watch, generation](beast::error_code ec) {
                                  if (ec == net::error::operation_aborted) return;
                                  // Readable while idle: an end of stream or bytes nobody asked
                                  // for. Either way no request may go on this connection.
                                  if (watch->generation == generation) watch->broken = true;
                              });
}

void UpstreamConnection::stop_watching_idle() {
    ++idle_watch_->generation;
    beast::error_code ignored;
    tcp().socket().cancel(ignored);
}

bool UpstreamConnection::usable_when_idle() const {
    return is_open() && buffer_.size() == 0 && !idle_watch_->broken;
}

}  // namespace creditgate
