// stream_probe: time to first SSE event and gaps between SSE events, at N concurrent streams.
//
// Keeps N streamed chat requests live on N keep-alive connections for a given time (or until
// a given number of streams were measured); when a stream ends, the next one starts at once on
// the same connection. Per stream it records
//   TTFB:  from the request's last byte written to the arrival of the first `data:` event,
//   gap:   between consecutive `data:` events, and
//   total: from the request's last byte written to the response's last byte.
// An event is timed when the socket read that completed it returned: several events in one read
// get the same time, so a gap of 0 means "arrived together", not "measured badly".
// One thread, one io_context; the same client overhead is in every target's numbers, so
// (target - direct) is what a proxy adds. Prints one JSON object. Usage: stream_probe --help
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creditgate/usage/sse_parser.hpp"

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadSize = 64 * 1024;
constexpr int kErrorsShown = 5;  // the first few error messages go to stderr, the rest are counted

struct Options {
    std::string url;
    std::string key;
    std::string model = "mock-fixed";
    int streams = 1;
    double duration_s = 5;
    double warmup_s = 1;
    double grace_s = 30;         // after the run: how long unfinished streams may take to end
    std::uint64_t requests = 0;  // stop once this many streams were measured (0: no limit)
    int chunks = 20;
    std::optional<int> delay_ms;  // not sent unless given: the mock then uses its default
};

[[noreturn]] void usage(int status) {
    std::fprintf(
        status == 0 ? stdout : stderr,
        "Usage: stream_probe --url http://HOST:PORT/v1/chat/completions [options]\n"
        "  --key K          Authorization: Bearer K (default: none)\n"
        "  --model M        model in the request body (default mock-fixed)\n"
        "  --streams N      concurrent streams, one connection each (default 1)\n"
        "  --duration S     seconds to start new streams for (default 5)\n"
        "  --requests N     also stop once N streams were measured (default: no limit)\n"
        "  --warmup S       discard streams started in the first S seconds; the connections\n"
        "                   open one after the other over that time (default 1)\n"
        "  --grace S        seconds unfinished streams get after the run (default 30)\n"
        "  --chunks K       x-mock-chunks: content chunks per stream (default 20)\n"
        "  --delay-ms D     x-mock-delay-ms: the mock's pause before each content chunk\n"
        "                   after the first (mock-slow-stream only; default: not sent)\n"
        "Prints one JSON object: streams, errors, events, and percentiles of ttfb_us, gap_us\n"
        "and total_us.\n");
    std::exit(status);
}

double number(std::string_view text) {
    char* end = nullptr;
    const std::string copy(text);
    const double value = std::strtod(copy.c_str(), &end);
    if (copy.empty() || *end != '\0' || !std::isfinite(value) || value < 0) usage(2);
    return value;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "-h" || name == "--help") usage(0);
        if (i + 1 >= argc) usage(2);
        const std::string_view value = argv[++i];
        if (name == "--url") {
            o.url = value;
        } else if (name == "--key") {
            o.key = value;
        } else if (name == "--model") {
            o.model = value;
        } else if (name == "--streams") {
            o.streams = static_cast<int>(number(value));
        } else if (name == "--duration") {
            o.duration_s = number(value);
        } else if (name == "--requests") {
            o.requests = static_cast<std::uint64_t>(number(value));
        } else if (name == "--warmup") {
            o.warmup_s = number(value);
        } else if (name == "--grace") {
            o.grace_s = number(value);
        } else if (name == "--chunks") {
            o.chunks = static_cast<int>(number(value));
        } else if (name == "--delay-ms") {
            o.delay_ms = static_cast<int>(number(value));
        } else {
            usage(2);
        }
    }
    if (o.url.empty() || o.streams < 1 || o.warmup_s >= o.duration_s) usage(2);
    return o;
}

struct Target {
    std::string host;
    std::string port;
    std::string path;
};

// Plain http://HOST[:PORT]/PATH only: the probe talks to loopback targets.
Target parse_url(std::string_view text) {
    const auto parsed = boost::urls::parse_uri(text);
    if (!parsed || parsed->scheme_id() != boost::urls::scheme::http) {
        std::fprintf(stderr, "stream_probe: --url must be an http:// URL\n");
        std::exit(2);
    }
    Target t;
    t.host = std::string(parsed->encoded_host_address());
    t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
    t.path = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
    return t;
}

// The same request as bench/lib/httpc.py: chat_body(model, stream=True) plus the mock headers.
std::string request_text(const Options& o, const Target& t) {
    const std::string body = R"({"model":")" + o.model +
                             R"(","messages":[{"role":"user","content":"hello"}],)"
                             R"("max_tokens":50,"stream":true})";
    std::string text =
        "POST " + t.path + " HTTP/1.1\r\nHost: " + t.host + ":" + t.port +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n";
    if (!o.key.empty()) text += "Authorization: Bearer " + o.key + "\r\n";
    text += "x-mock-chunks: " + std::to_string(o.chunks) + "\r\n";
    if (o.delay_ms) text += "x-mock-delay-ms: " + std::to_string(*o.delay_ms) + "\r\n";
    return text + "\r\n" + body;
}

// What every connection reports into. Samples only come from streams that ended well.
struct Results {
    std::vector<std::int64_t> ttfb_ns;
    std::vector<std::int64_t> gap_ns;
    std::vector<std::int64_t> total_ns;
    std::uint64_t streams = 0;
    std::uint64_t errors = 0;
    std::uint64_t events = 0;
};

struct Run {
    explicit Run(net::io_context& io) : grace(io) {}

    tcp::resolver::results_type endpoints;
    std::string request;
    Clock::time_point measure_from;  // streams written before this are warm-up
    Clock::time_point stop_at;       // no new stream starts after this
    std::uint64_t requests = 0;      // or once this many were measured (0: no limit)
    net::steady_timer grace;         // ends the run if streams do not finish after stop_at
    Results results;
    int open_connections = 0;

    void error(const std::string& what) {
        if (results.errors++ < kErrorsShown)
            std::fprintf(stderr, "stream_probe: %s\n", what.c_str());
    }

    void connection_closed() {
        if (--open_connections == 0) grace.cancel();
    }
};

// One keep-alive connection running streams back to back.
class Connection {
  public:
    Connection(net::io_context& io, Run& run) : socket_(io), start_timer_(io), run_(run) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start(Clock::time_point at) {
        ++run_.open_connections;
        start_timer_.expires_at(at);
        start_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec) connect();
        });
    }

    // At the end of the grace period: whatever is still running did not finish in time.
    void abandon() {
        if (stopped_) return;
        run_.error("stream unfinished at the end of the grace period");
        stop();
    }

  private:
    void connect() {
        net::async_connect(
            socket_, run_.endpoints,
            [this](boost::system::error_code ec, const tcp::endpoint&) { on_connect(ec); });
    }

    void on_connect(boost::system::error_code ec) {
        if (ec == net::error::operation_aborted) return;  // abandoned
        if (ec) {
            // Reconnecting at once would spin against a dead target.
            run_.error("connect: " + ec.message());
            return stop();
        }
        socket_.set_option(tcp::no_delay(true), ec);  // best effort
        send_request();
    }

    void send_request() {
        if (Clock::now() >= run_.stop_at) return stop();
        stream_ = Stream();
        parser_.emplace();
        parser_->eager(true);
        // Written synchronously: a few hundred bytes into an idle socket's empty send buffer
        // never block, and the clock starts when the send returns rather than when the
        // io_context gets round to a completion handler.
        boost::system::error_code ec;
        net::write(socket_, net::buffer(run_.request), ec);
        stream_.written = Clock::now();
        if (ec) return fail("write: " + ec.message());
        read();
    }

    void read() {
        socket_.async_read_some(
            buffer_.prepare(kReadSize),
            [this](boost::system::error_code ec, std::size_t n) { on_read(ec, n, Clock::now()); });
    }

    void on_read(boost::system::error_code ec, std::size_t n, Clock::time_point now) {
        if (ec == net::error::operation_aborted) return;  // stop() closed the socket
        if (ec == net::error::eof) return on_eof(now);
        if (ec) return fail("read: " + ec.message());
        buffer_.commit(n);
        if (!parse(now)) return;
        if (parser_->is_done()) return end_stream(now);
        read();
    }

    // The server closed: fine if that ends a response without a length, an error otherwise.
    void on_eof(Clock::time_point now) {
        if (!parser_->got_some()) return fail("connection closed before a response");
        boost::system::error_code ec;
        parser_->put_eof(ec);
        if (ec) return fail("connection closed mid-response: " + ec.message());
        scan_events(now);
        end_stream(now);
    }

    // Feeds what was read to the parser; false if the response is broken (already counted).
    bool parse(Clock::time_point now) {
        auto& parser = *parser_;
        while (buffer_.size() > 0 && !parser.is_done()) {
            boost::system::error_code ec;
            const auto used = parser.put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) {
                fail("parse: " + ec.message());
                return false;
            }
            if (used == 0) break;
        }
        // A bad status is counted when the response ends: it is read to its end all the same.
        if (parser.is_header_done()) stream_.bad_status = parser.get().result_int() != 200;
        scan_events(now);
        return true;
    }

    // Times every event completed by this read, framed by the proxy's own SSE parser. The body
    // only grows while the response lasts.
    void scan_events(Clock::time_point now) {
        const std::string_view body = parser_->get().body();
        events_.clear();
        stream_.sse.feed(body.substr(stream_.scanned), events_);
        stream_.scanned = body.size();
        for (const auto& event : events_) {
            if (event.data.empty()) continue;  // comments and keep-alives are not chunks
            if (stream_.events == 0) {
                stream_.ttfb = now - stream_.written;
            } else {
                stream_.gaps.push_back((now - stream_.last_event).count());
            }
            stream_.last_event = now;
            stream_.last_was_done = event.data == "[DONE]";
            ++stream_.events;
        }
    }

    void end_stream(Clock::time_point now) {
        stream_.total = now - stream_.written;
        const auto& response = parser_->get();
        if (stream_.bad_status) {
            run_.error("status " + std::to_string(response.result_int()));
        } else if (!stream_.last_was_done) {
            run_.error("stream did not end with data: [DONE]");
        } else if (stream_.written >= run_.measure_from) {
            record();
        }
        if (response.keep_alive() && buffer_.size() == 0) return send_request();
        reconnect();
    }

    void record() {
        auto& r = run_.results;
        r.ttfb_ns.push_back(stream_.ttfb.count());
        r.gap_ns.insert(r.gap_ns.end(), stream_.gaps.begin(), stream_.gaps.end());
        r.total_ns.push_back(stream_.total.count());
        r.events += stream_.events;
        ++r.streams;
        if (run_.requests != 0 && r.streams >= run_.requests) run_.stop_at = Clock::now();
    }

    void fail(const std::string& what) {
        run_.error(what);
        reconnect();
    }

    void reconnect() {
        close_socket();
        buffer_.consume(buffer_.size());
        if (Clock::now() >= run_.stop_at) return stop();
        connect();
    }

    void stop() {
        close_socket();
        stopped_ = true;
        run_.connection_closed();
    }

    void close_socket() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    struct Stream {
        Clock::time_point written;
        Clock::time_point last_event;
        Clock::duration ttfb{};
        Clock::duration total{};
        std::vector<std::int64_t> gaps;
        std::size_t scanned = 0;
        std::uint64_t events = 0;
        bool last_was_done = false;
        bool bad_status = false;
        creditgate::SseParser sse;
    };

    tcp::socket socket_;
    net::steady_timer start_timer_;
    boost::beast::flat_buffer buffer_;
    Run& run_;
    std::optional<http::response_parser<http::string_body>> parser_;  // one per response
    Stream stream_;
    std::vector<creditgate::SseEvent> events_;  // reused by scan_events
    bool stopped_ = false;
};

// Nearest-rank percentile of sorted values, in µs.
double percentile_us(const std::vector<std::int64_t>& sorted, double pct) {
    const auto n = static_cast<double>(sorted.size());
    const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(pct / 100.0 * n)));
    return static_cast<double>(sorted[std::min(rank, sorted.size()) - 1]) / 1000.0;
}

std::string stats_json(std::vector<std::int64_t> values) {
    if (values.empty()) return R"({"p50":null,"p90":null,"p99":null,"max":null,"mean":null})";
    std::sort(values.begin(), values.end());
    const auto sum_ns = std::accumulate(values.begin(), values.end(), std::int64_t{0});
    const double mean_us = static_cast<double>(sum_ns) / static_cast<double>(values.size()) / 1e3;
    char text[200];
    std::snprintf(text, sizeof text, R"({"p50":%.1f,"p90":%.1f,"p99":%.1f,"max":%.1f,"mean":%.1f})",
                  percentile_us(values, 50), percentile_us(values, 90), percentile_us(values, 99),
                  percentile_us(values, 100), mean_us);
    return text;
}

std::chrono::nanoseconds seconds(double s) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    const Target target = parse_url(options.url);

    net::io_context io(1);
    Run run(io);
    boost::system::error_code ec;
    run.endpoints = tcp::resolver(io).resolve(target.host, target.port, ec);
    if (ec) {
        std::fprintf(stderr, "stream_probe: resolve %s: %s\n", target.host.c_str(),
                     ec.message().c_str());
        return 2;
    }
    run.request = request_text(options, target);
    run.requests = options.requests;

    const auto start = Clock::now();
    run.measure_from = start + seconds(options.warmup_s);
    run.stop_at = start + seconds(options.duration_s);
    // The first streams start spread evenly over the warm-up: started together, N streams
    // would stay in lockstep (each next stream starts when the last ends) and every paced
    // chunk would arrive in a burst of N.
    std::vector<std::unique_ptr<Connection>> connections;
    const auto ramp_step = seconds(options.warmup_s) / options.streams;
    for (int i = 0; i < options.streams; ++i) {
        connections.push_back(std::make_unique<Connection>(io, run));
        connections.back()->start(start + ramp_step * i);
    }
    run.grace.expires_at(run.stop_at + seconds(options.grace_s));
    run.grace.async_wait([&](boost::system::error_code wait_ec) {
        if (wait_ec) return;  // cancelled: every connection ended in time
        for (auto& c : connections) c->abandon();
    });
    io.run();

    const auto& r = run.results;
    const auto zero_gaps = std::count(r.gap_ns.begin(), r.gap_ns.end(), 0);
    std::printf(R"({"streams":%llu,"errors":%llu,"events":%llu,"gaps":%zu,"zero_gaps":%lld,)"
                R"("ttfb_us":%s,"gap_us":%s,"total_us":%s})"
                "\n",
                static_cast<unsigned long long>(r.streams),
                static_cast<unsigned long long>(r.errors),
                static_cast<unsigned long long>(r.events), r.gap_ns.size(),
                static_cast<long long>(zero_gaps), stats_json(r.ttfb_ns).c_str(),
                stats_json(r.gap_ns).c_str(), stats_json(r.total_ns).c_str());
    return 0;
}
