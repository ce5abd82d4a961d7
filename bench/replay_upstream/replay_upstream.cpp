// replay_upstream: the bench's fast upstream. Answers every request with a recorded reply, byte
// for byte, in one write.
//
// bench/run.sh records the mock upstream's two replies raw (status line, headers, body) and
// this server replays them: a chat.completion with Content-Length, and an SSE stream chunked
// with one HTTP chunk per event, as providers send it. So a proxy parses the same framing as in
// production, while the upstream costs one read and one write per request and is never what
// the proxy waits for. (nginx serving the bodies as static files, the bench's upstream before,
// sent the stream with Content-Length, which hid the proxy's per-chunk work.)
//
// A request with an x-mock-chunks header gets the stream, any other request the JSON reply;
// the request is read to its end (keep-alive) and otherwise ignored. One thread, no timeouts:
// the bench stops it. Usage: replay_upstream --port P --json FILE --sse FILE
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::uint64_t kRequestBodyLimit = 1 << 20;

struct Replies {
    std::string json;
    std::string sse;
};

[[noreturn]] void usage(int status) {
    std::fprintf(
        status == 0 ? stdout : stderr,
        "Usage: replay_upstream --port P --json FILE --sse FILE\n"
        "  Listens on 127.0.0.1:P (0: any free port) and prints 'listening 127.0.0.1:PORT'.\n"
        "  FILE: one complete raw HTTP/1.1 response (e.g. curl -si --raw). Requests with\n"
        "  an x-mock-chunks header get the --sse reply, all others the --json reply.\n");
    std::exit(status);
}

// A recorded reply must be exactly one complete response, or the client would wait or
// misparse.
std::string load_reply(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    const std::string reply = text.str();
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    beast::error_code ec;
    const auto used = parser.put(net::buffer(reply), ec);
    if (!file || ec || !parser.is_done() || used != reply.size()) {
        std::fprintf(stderr, "replay_upstream: %s is not one complete HTTP response%s%s\n",
                     path.c_str(), ec ? ": " : "", ec ? ec.message().c_str() : "");
        std::exit(1);
    }
    return reply;
}

// One keep-alive connection: read a request, write the reply, again.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, const Replies& replies)
        : socket_(std::move(socket)), replies_(replies) {}

    void start() { do_read(); }

  private:
    void do_read() {
        parser_.emplace();
        parser_->body_limit(kRequestBodyLimit);
        http::async_read(socket_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return close();  // the client closed (or sent something that is not HTTP)
        const auto& request = parser_->get();
        keep_alive_ = request.keep_alive();
        const std::string& reply =
            request.find("x-mock-chunks") != request.end() ? replies_.sse : replies_.json;
        net::async_write(socket_, net::buffer(reply),
                         beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec || !keep_alive_) return close();
        do_read();
    }

    void close() {
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    tcp::socket socket_;
    const Replies& replies_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;  // one per request
    bool keep_alive_ = true;
};

class Listener {
  public:
    Listener(net::io_context& io, unsigned short port, const Replies& replies)
        : acceptor_(io, tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port)),
          replies_(replies) {}

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void do_accept() {
        acceptor_.async_accept(
            [this](beast::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
    }

  private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);  // best effort
            std::make_shared<Session>(std::move(socket), replies_)->start();
        }
        do_accept();  // a failed accept (e.g. out of FDs) must not stop the server
    }

    tcp::acceptor acceptor_;
    const Replies& replies_;
};

unsigned short parse_port(std::string_view text) {
    unsigned short port = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size()) usage(2);
    return port;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<unsigned short> port;
    std::string json_path;
    std::string sse_path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "-h" || name == "--help") usage(0);
        if (i + 1 >= argc) usage(2);
        const std::string_view value = argv[++i];
        if (name == "--port") {
            port = parse_port(value);
        } else if (name == "--json") {
            json_path = value;
        } else if (name == "--sse") {
            sse_path = value;
        } else {
            usage(2);
        }
    }
    if (!port || json_path.empty() || sse_path.empty()) usage(2);

    const Replies replies{load_reply(json_path), load_reply(sse_path)};
    net::io_context io(1);
    Listener listener(io, *port, replies);
    std::printf("listening 127.0.0.1:%u\n", static_cast<unsigned>(listener.port()));
    std::fflush(stdout);
    listener.do_accept();
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](const beast::error_code&, int) { io.stop(); });
    io.run();
    return 0;
}
