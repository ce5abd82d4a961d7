#pragma once
// One client connection: reads requests (with limits and timeouts) and writes replies, either
// whole or as a chunked stream. A RequestHandler decides what to answer.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/container/small_vector.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>

#include "creditgate/http/api_error.hpp"

namespace creditgate {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct SessionLimits {
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    std::size_t max_header_bytes = 64 * 1024;
    std::chrono::milliseconds idle{60'000};  // waiting for a request, and for a client to read
};

class HttpSession;

class RequestHandler {
  public:
    virtual ~RequestHandler() = default;
    // Must end with exactly one reply(), or begin_stream() ... end_stream(), or abort().
    virtual void handle(const std::shared_ptr<HttpSession>& session, Request&& request) = 0;
};

// Sessions of one I/O thread; used to close idle keep-alive connections on shutdown.
class SessionRegistry {
  public:
    void add(HttpSession* session) { sessions_.insert(session); }
    void remove(HttpSession* session) { sessions_.erase(session); }
    void close_idle_and_drain();
    bool draining() const { return draining_; }

  private:
    std::unordered_set<HttpSession*> sessions_;
    bool draining_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    using Done = std::function<void(beast::error_code)>;
    static constexpr std::size_t kReadCapacityBytes = 4 * 1024;
    static constexpr std::chrono::seconds kLingerTime{2};

    HttpSession(tcp::socket socket, RequestHandler& handler, const SessionLimits& limits,
                SessionRegistry& registry);
    ~HttpSession();

    void start();

    // Whole replies. keep-alive follows the request unless the server is draining.
    void reply(Response&& response);
    void reply_error(const ApiError& error, const std::string& request_id);

    // Chunked streaming replies: one write at a time, each `done` before the next call.
    // begin_stream only prepares the header: it goes out with the first write, so that a header
    // and the data already at hand cost the client one segment and us one system call.
    // flush_header sends it alone (nothing to go with it yet: the client learns the stream has
    // started). end_stream writes `last_data` (may be empty) and the last chunk together, then
    // reads the next request.
    void begin_stream(http::response<http::empty_body>&& header);
    void flush_header(Done done);
    bool header_pending() const { return header_pending_; }
    void write_chunk(std::string data, Done done);
    void end_stream(std::string last_data, Done done);
    // Ends the connection without a proper reply (the client is gone or the stream broke).
    void abort();

    // Calls on_gone once if the client closes its side while we wait on something else.
    void watch_disconnect(std::function<void()> on_gone);
    void stop_watching() { ++watch_generation_; }

    net::any_io_executor executor() { return stream_.get_executor(); }
    void close_if_idle();
    std::string remote_address() const;
    // The connected peer's address; the unspecified address if the socket has none.
    boost::asio::ip::address peer_address() const;

  private:
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void on_reply_written(beast::error_code ec, bool keep_alive);
    void arm_watch(std::uint64_t generation, std::function<void()> on_gone);
    void finish_request(bool keep_alive);
    void linger_close();
    void linger_read();
    // Writes the pending header (if any), `data` as one chunk (if not empty) and, if `last`, the
    // last chunk: one gathered write.
    void write_stream(std::string data, bool last, Done done);

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    RequestHandler& handler_;
    SessionLimits limits_;
    SessionRegistry& registry_;
    std::optional<http::request_parser<http::string_body>> parser_;
    bool keep_alive_ = false;
    bool idle_ = false;  // waiting for the first byte of a request
    std::uint64_t watch_generation_ = 0;

    // Storage that must outlive the write in progress.
    std::shared_ptr<Response> response_;
    std::optional<http::response<http::empty_body>> stream_header_;
    bool header_pending_ = false;  // until the first write of the stream sends stream_header_
    std::optional<http::response_serializer<http::empty_body>> header_writer_;
    std::string chunk_;
    std::optional<http::chunk_body<net::const_buffer>> chunk_frame_;
    // What the write in progress points to: header fields, chunk framing, data (no copies).
    boost::container::small_vector<net::const_buffer, 24> stream_pieces_;
};

}  // namespace creditgate
