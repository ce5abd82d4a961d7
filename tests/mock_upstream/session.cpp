#include "session.hpp"

#include <chrono>
#include <cstddef>
#include <iostream>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "reply.hpp"
#include "router.hpp"

namespace creditgate::mock {

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kHeaderLimitBytes = 64 * 1024;
constexpr std::uint64_t kBodyLimitBytes = 16 * 1024 * 1024;
constexpr std::size_t kWatchReadBytes = 4096;
constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr auto kReadTimeout = std::chrono::minutes(5);  // also the keep-alive idle limit
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// A peer going away is normal for a test fixture; only the unexpected is logged.
bool is_quiet(const beast::error_code& ec) {
    return ec == net::error::operation_aborted || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::not_connected || ec == http::error::end_of_stream ||
           ec == ssl::error::stream_truncated;
}

template <class Stream>
Stream make_stream(tcp::socket&& socket, ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        return Stream(std::move(socket), *tls);
    } else {
        return Stream(std::move(socket));
    }
}

// One connection. Requests are read one at a time; during a streamed reply a "watch" read stays
// outstanding so that a client hanging up is noticed at once, even while waiting between events.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  public:
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

    Session(tcp::socket&& socket, std::shared_ptr<ssl::context> tls, MockState& state)
        : tls_(std::move(tls)),
          stream_(make_stream<Stream>(std::move(socket), tls_.get())),
          timer_(stream_.get_executor()),
          state_(state) {
        state_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
    }

    ~Session() { mark_closed(); }

    void run() {
        if constexpr (kTls) {
            do_handshake();
        } else {
            do_read_header();
        }
    }

  private:
    std::shared_ptr<Session> self() { return this->shared_from_this(); }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    // --- TLS handshake ---------------------------------------------------------------------

    void do_handshake() {
        lowest().expires_after(kHandshakeTimeout);
        stream_.async_handshake(ssl::stream_base::server,
                                beast::bind_front_handler(&Session::on_handshake, self()));
    }

    void on_handshake(beast::error_code ec) {
        if (ec) return fail(ec, "handshake");
        do_read_header();
    }

    // --- Reading one request ---------------------------------------------------------------

    void do_read_header() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimitBytes);
        parser_->body_limit(kBodyLimitBytes);
        lowest().expires_after(kReadTimeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_read_header, self()));
    }

    void on_read_header(beast::error_code ec, std::size_t) {
        if (ec) return fail_read(ec, "read header");
        if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
            return do_write_continue();
        }
        do_read_body();
    }

    void do_write_continue() {
        lowest().expires_after(kWriteTimeout);
        net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                         beast::bind_front_handler(&Session::on_write_continue, self()));
    }

    void on_write_continue(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "write continue");
        do_read_body();
    }

    void do_read_body() {
        lowest().expires_after(kReadTimeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read_body, self()));
    }

    void on_read_body(beast::error_code ec, std::size_t) {
        if (ec) return fail_read(ec, "read body");
        handle_request();
    }

    void handle_request() {
        const Request request = parser_->release();
        head_serializer_.reset();  // it points into the previous reply
        reply_ = route(request, state_);
        next_event_ = 0;
        const bool reused = requests_on_connection_++ > 0;
        if (reply_.drop_if_reused && reused) {
            state_.stats.requests_dropped.fetch_add(1, std::memory_order_relaxed);
            return close_now();
        }
        switch (reply_.kind) {
            case Reply::Kind::whole:
                return do_write_whole();
            case Reply::Kind::stream:
                return do_write_stream_head();
            case Reply::Kind::truncated:
                return do_write_truncated();
            case Reply::Kind::hang:
                hanging_ = true;
                state_.stats.hangs_started.fetch_add(1, std::memory_order_relaxed);
                return do_watch();
        }
    }

    // --- A whole reply ---------------------------------------------------------------------

    void do_write_whole() {
        lowest().expires_after(kWriteTimeout);
        http::async_write(stream_, reply_.whole,
                          beast::bind_front_handler(&Session::on_write_whole, self()));
    }

    void on_write_whole(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "write");
        if (!reply_.whole.keep_alive()) return do_shutdown();
        do_read_header();
    }

    // --- A reply cut in the middle of its body ---------------------------------------------

    void do_write_truncated() {
        lowest().expires_after(kWriteTimeout);
        net::async_write(stream_, net::buffer(reply_.raw),
                         beast::bind_front_handler(&Session::on_write_truncated, self()));
    }

    void on_write_truncated(beast::error_code ec, std::size_t) {
        if (ec) return fail(ec, "write truncated");
        close_now();
    }

    // --- A streamed reply: head, then one chunk per event, then the last chunk -------------

    void do_write_stream_head() {
        streaming_ = true;
        state_.stats.streams_started.fetch_add(1, std::memory_order_relaxed);
        // Watch only while no pipelined bytes wait in buffer_: a watch read would wait for
        // more, and the next request could never start. Started first, so the write timeout
        // below applies to the write only.
        if (buffer_.size() == 0) do_watch();
        head_serializer_.emplace(reply_.stream_head);
        lowest().expires_after(kWriteTimeout);
        http::async_write_header(stream_, *head_serializer_,
                                 beast::bind_front_handler(&Session::on_write_stream_head, self()));
    }

    void on_write_stream_head(beast::error_code ec, std::size_t) {
        if (ec) return fail_stream(ec, "write stream head");
        do_next_event();
    }

    void do_next_event() {
        if (next_event_ == reply_.events.size()) return do_end_stream();
        const auto delay = reply_.events[next_event_].delay_before;
        if (delay.count() == 0) return do_write_event();
        timer_.expires_after(delay);
        timer_.async_wait(beast::bind_front_handler(&Session::on_delay, self()));
    }

    void on_delay(beast::error_code ec) {
        if (ec) return;  // cancelled: the connection is closing
        do_write_event();
    }

    void do_write_event() {
        if (closed_) return;
        lowest().expires_after(kWriteTimeout);
        net::async_write(stream_, http::make_chunk(net::buffer(reply_.events[next_event_].data)),
                         beast::bind_front_handler(&Session::on_write_event, self()));
    }

    void on_write_event(beast::error_code ec, std::size_t) {
        if (ec) return fail_stream(ec, "write event");
        ++next_event_;
        do_next_event();
    }

    void do_end_stream() {
        if (reply_.close_after_events) {
            // mock-cutoff: neither completed nor aborted by the client.
            streaming_ = false;
            return close_now();
        }
        lowest().expires_after(kWriteTimeout);
        net::async_write(stream_, http::make_chunk_last(),
                         beast::bind_front_handler(&Session::on_end_stream, self()));
    }

    void on_end_stream(beast::error_code ec, std::size_t) {
        if (ec) return fail_stream(ec, "write last chunk");
        streaming_ = false;
        state_.stats.streams_completed.fetch_add(1, std::memory_order_relaxed);
        if (!reply_.stream_head.keep_alive()) {
            if (!watching_) return do_shutdown();
            // Stop the watch read first; on_watch then shuts down.
            shutdown_after_watch_ = true;
            return lowest().cancel();
        }
        // The next request is read once the watch read returns with its first bytes.
        if (watching_) {
            read_after_watch_ = true;
            return;
        }
        do_read_header();
    }

    // --- The watch read: notices the peer leaving while we stream or hang ------------------

    void do_watch() {
        watching_ = true;
        lowest().expires_never();  // applies to the read side only when a write is pending
        stream_.async_read_some(buffer_.prepare(kWatchReadBytes),
                                beast::bind_front_handler(&Session::on_watch, self()));
    }

    void on_watch(beast::error_code ec, std::size_t bytes) {
        watching_ = false;
        if (closed_) return;
        if (ec && shutdown_after_watch_) return do_shutdown();
        if (ec) {
            if (streaming_) {
                streaming_ = false;
                state_.stats.streams_aborted_by_client.fetch_add(1, std::memory_order_relaxed);
            }
            if (hanging_) {
                hanging_ = false;
                state_.stats.hangs_left_by_client.fetch_add(1, std::memory_order_relaxed);
            }
            return fail(ec, "watch");
        }
        buffer_.commit(bytes);
        if (hanging_) {
            buffer_.consume(buffer_.size());  // mock-hang ignores whatever else arrives
            return do_watch();
        }
        // A pipelined request: its bytes stay in buffer_ for the parser. The watch is not
        // re-armed (it would wait for bytes that already came); a failed write still tells
        // us if this client leaves.
        if (streaming_) return;
        if (read_after_watch_) {
            read_after_watch_ = false;
            do_read_header();
        }
    }

    // --- Closing ---------------------------------------------------------------------------

    void do_shutdown() {
        if constexpr (kTls) {
            lowest().expires_after(kWriteTimeout);
            stream_.async_shutdown(beast::bind_front_handler(&Session::on_shutdown, self()));
        } else {
            beast::error_code ec;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
            close_now();
        }
    }

    void on_shutdown(beast::error_code ec) {
        if (ec && !is_quiet(ec)) log(ec, "shutdown");
        close_now();
    }

    // Closes the TCP connection at once (no TLS close_notify); pending operations then
    // complete with an error and find closed_ set.
    void close_now() {
        if (closed_) return;
        timer_.cancel();
        beast::error_code ec;
        lowest().socket().close(ec);
        mark_closed();
    }

    void mark_closed() {
        if (closed_) return;
        closed_ = true;
        state_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
    }

    void fail_read(beast::error_code ec, std::string_view stage) {
        // The peer's HTTP was bad: answer it like OpenAI would, then close.
        if (ec == http::error::body_limit) {
            return reply_then_close(413, "request body too large", "request_too_large");
        }
        if (ec == http::error::header_limit) {
            return reply_then_close(431, "request headers too large", "request_too_large");
        }
        if (ec == beast::error::timeout) return close_now();  // an idle keep-alive connection
        if (&ec.category() == &http::make_error_code(http::error::bad_version).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return reply_then_close(400, "malformed HTTP request: " + ec.message(), "bad_request");
        }
        fail(ec, stage);
    }

    void reply_then_close(unsigned status, const std::string& message, std::string_view code) {
        head_serializer_.reset();
        reply_ = openai_error_reply(status, message, "invalid_request_error", std::nullopt,
                                    std::string(code), /*keep_alive=*/false);
        do_write_whole();
    }

    void fail_stream(beast::error_code ec, std::string_view stage) {
        if (closed_) return;
        if (streaming_) {
            streaming_ = false;
            state_.stats.streams_aborted_by_client.fetch_add(1, std::memory_order_relaxed);
        }
        fail(ec, stage);
    }

    void fail(beast::error_code ec, std::string_view stage) {
        if (closed_) return;
        if (!is_quiet(ec)) log(ec, stage);
        close_now();
    }

    static void log(beast::error_code ec, std::string_view stage) {
        std::cerr << "mock_upstream: " << stage << ": " << ec.message() << '\n';
    }

    std::shared_ptr<ssl::context> tls_;  // outlives stream_, which refers to it
    Stream stream_;
    net::steady_timer timer_;
    MockState& state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Reply reply_;
    std::optional<http::response_serializer<http::empty_body>> head_serializer_;
    std::size_t next_event_ = 0;
    std::uint64_t requests_on_connection_ = 0;
    bool streaming_ = false;
    bool hanging_ = false;
    bool watching_ = false;
    bool read_after_watch_ = false;
    bool shutdown_after_watch_ = false;
    bool closed_ = false;
};

}  // namespace

void start_session(tcp::socket socket, std::shared_ptr<ssl::context> tls, MockState& state) {
    if (tls) {
        std::make_shared<Session<TlsStream>>(std::move(socket), std::move(tls), state)->run();
    } else {
        std::make_shared<Session<PlainStream>>(std::move(socket), nullptr, state)->run();
    }
}

}  // namespace creditgate::mock
