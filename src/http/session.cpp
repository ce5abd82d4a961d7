#include "creditgate/http/session.hpp"

#include "creditgate/http/routing.hpp"

#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "creditgate/observe/access_log.hpp"

namespace creditgate {

void SessionRegistry::close_idle_and_drain() {
    draining_ = true;
    // Copy: closing a session may remove it from the set.
    std::vector<HttpSession*> current(sessions_.begin(), sessions_.end());
    for (auto* session : current) session->close_if_idle();
}

HttpSession::HttpSession(tcp::socket socket, RequestHandler& handler, const SessionLimits& limits,
                         SessionRegistry& registry)
    : stream_(std::move(socket)), handler_(handler), limits_(limits), registry_(registry) {
    buffer_.reserve(kReadCapacityBytes);  // a typical request in one read, not several of 512
    registry_.add(this);
}

HttpSession::~HttpSession() {
    registry_.remove(this);
}

void HttpSession::start() {
    do_read();
}

std::string HttpSession::remote_address() const {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    return ec ? std::string() : endpoint.address().to_string();
}

boost::asio::ip::address HttpSession::peer_address() const {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    return ec ? boost::asio::ip::address() : endpoint.address();
}

void HttpSession::do_read() {
    if (registry_.draining()) return abort();
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    idle_ = buffer_.size() == 0;
    stream_.expires_after(limits_.idle);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    idle_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset) {
        return abort();
    }
    keep_alive_ = false;  // after a framing error we cannot find the next request
    if (ec == http::error::body_limit) {
        return reply_error(api_error(ErrorCode::request_too_large,
                                     "The request body is larger than " +
                                         std::to_string(limits_.max_body_bytes) + " bytes."),
                           new_request_id());
    }
    if (ec == http::error::header_limit) {
        return reply_error(
            api_error(ErrorCode::request_too_large, "The request headers are too large."),
            new_request_id());
    }
    if (ec) {
        return reply_error(api_error(ErrorCode::invalid_request, "Malformed HTTP request."),
                           new_request_id());
    }
    auto request = parser_->release();
    keep_alive_ = request.keep_alive() && !registry_.draining();
    stream_.expires_never();
    handler_.handle(shared_from_this(), std::move(request));
}

void HttpSession::reply(Response&& response) {
    response.keep_alive(keep_alive_);
    response.prepare_payload();
    response_ = std::make_shared<Response>(std::move(response));
    stream_.expires_after(limits_.idle);
    http::async_write(
        stream_, *response_,
        [self = shared_from_this(), keep_alive = keep_alive_](beast::error_code ec, std::size_t) {
            self->on_reply_written(ec, keep_alive);
        });
}

void HttpSession::reply_error(const ApiError& error, const std::string& request_id) {
    reply(error_response(error, request_id, error.body()));
}

void HttpSession::on_reply_written(beast::error_code ec, bool keep_alive) {
    response_.reset();
    if (ec) return abort();
    finish_request(keep_alive);
}

void HttpSession::finish_request(bool keep_alive) {
    stop_watching();
    if (!keep_alive || registry_.draining()) return linger_close();
    do_read();
}

// Closing while the client is still sending (a body over the limit) would reset the connection
// and lose the reply we just wrote: finish sending, then read and discard for a bounded time.
void HttpSession::linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    linger_read();
}

void HttpSession::linger_read() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadCapacityBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->abort();  // EOF, timeout or reset
                                self->linger_read();
                            });
}

void HttpSession::begin_stream(http::response<http::empty_body>&& header) {
    header.keep_alive(keep_alive_);
    header.chunked(true);
    header_writer_.reset();  // it points into the previous stream's header
    stream_header_ = std::move(header);
    header_pending_ = true;
}

void HttpSession::flush_header(Done done) {
    write_stream({}, false, std::move(done));
}

void HttpSession::write_chunk(std::string data, Done done) {
    write_stream(std::move(data), false, std::move(done));
}

void HttpSession::end_stream(std::string last_data, Done done) {
    write_stream(std::move(last_data), true,
                 [self = shared_from_this(), done = std::move(done)](beast::error_code ec) {
                     done(ec);
                     if (ec) return self->abort();
                     self->finish_request(self->keep_alive_);
                 });
}

void HttpSession::write_stream(std::string data, bool last, Done done) {
    // Beast frames the pieces; they are gathered (pointers, not copies) into one write.
    stream_pieces_.clear();
    const auto gather = [this](const auto& buffers) {
        for (net::const_buffer piece : beast::buffers_range_ref(buffers)) {
            if (piece.size() != 0) stream_pieces_.push_back(piece);
        }
    };
    if (header_pending_) {
        header_pending_ = false;
        // The status line and fields, pointing into stream_header_ and the serializer.
        header_writer_.emplace(*stream_header_);
        header_writer_->split(true);
        beast::error_code ec;  // an empty body has nothing that can fail
        header_writer_->next(ec, [&](beast::error_code&, const auto& buffers) { gather(buffers); });
    }
    chunk_ = std::move(data);
    if (!chunk_.empty()) {
        chunk_frame_.emplace(net::buffer(chunk_));  // size line, data, CRLF
        gather(*chunk_frame_);
    }
    if (last) gather(http::make_chunk_last());  // static text only: "0\r\n\r\n"
    stream_.expires_after(limits_.idle);
    net::async_write(stream_, std::span<const net::const_buffer>(stream_pieces_),
                     [self = shared_from_this(), done = std::move(done)](
                         beast::error_code ec, std::size_t) { done(ec); });
}

void HttpSession::abort() {
    stop_watching();
    beast::error_code ignored;
    stream_.socket().close(ignored);
}

void HttpSession::close_if_idle() {
    if (idle_) abort();
}

void HttpSession::watch_disconnect(std::function<void()> on_gone) {
    arm_watch(++watch_generation_, std::move(on_gone));
}

// Waits for readability without reading: EOF means the client hung up; data means a pipelined
// request, which stays in the socket for the next read.
void HttpSession::arm_watch(std::uint64_t generation, std::function<void()> on_gone) {
    stream_.socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this(), generation,
                                 on_gone = std::move(on_gone)](beast::error_code ec) mutable {
            if (generation != self->watch_generation_) return;
            if (ec) {
                if (ec != net::error::operation_aborted) on_gone();
                return;
            }
            char byte = 0;
            auto n =
                ::recv(self->stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n == 0) return on_gone();
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return self->arm_watch(generation, std::move(on_gone));
            }
            if (n < 0) return on_gone();
        });
}

}  // namespace creditgate
