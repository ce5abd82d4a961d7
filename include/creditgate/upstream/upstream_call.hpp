#pragma once
// One request to a provider up to its reply's header: a pooled or new connection, the
// provider's authentication, and one retry on a fresh connection when a pooled one turns out
// to have been closed by the provider before it answered (nothing was billed: it never read
// the request, or dropped it unanswered). The reply's body is read by the caller through
// connection() and parser().
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "creditgate/upstream/pool.hpp"

namespace creditgate {

struct UpstreamTimeouts {
    std::chrono::milliseconds connect{5'000};       // resolve + TCP + TLS
    std::chrono::milliseconds first_byte{120'000};  // request sent -> reply header
    std::chrono::milliseconds idle{60'000};         // between reads of the body, and the write
};

enum class UpstreamFailure {
    none,
    unreachable,  // resolve, connect or handshake failed
    send_failed,
    timeout,    // no header within first_byte
    malformed,  // not an HTTP reply
};

const char* to_string(UpstreamFailure failure);

// Host (with the port unless it is the scheme's default), the provider's extra headers, its
// anthropic-version, and its credentials in the header its `auth` names; the caller's own
// credential headers are removed whatever was copied before.
// `credential`, when given, is sent instead of the provider's own key (a user's own key, BYOK),
// in the same header.
void set_provider_headers(const ProviderConfig& provider, UpstreamRequest& request,
                          const std::string* credential = nullptr);

// The request target for `path` below the provider's base path, with its query parameters:
// base_path + path [+ "?" + query].
std::string upstream_target(const ProviderConfig& provider, std::string_view path);

class UpstreamCall {
  public:
    UpstreamCall(UpstreamPool& pool, UpstreamTimeouts timeouts)
        : pool_(pool), timeouts_(timeouts) {}
    ~UpstreamCall();

    const ProviderConfig& provider() const { return pool_.provider(); }
    // Fill in before start(): target, headers and body; Host and credentials are set by start.
    UpstreamRequest& request() { return request_; }
    // Before start(): authenticate with this key instead of the provider's (BYOK). Wiped when
    // the call ends.
    void use_credential(std::string key) { credential_ = std::move(key); }

    // Sends the request and reads the reply's header. `owner` is kept alive by every pending
    // handler (the exchange that owns this call). `sent` runs once the request is written;
    // `done` once, with none when the header is in parser().
    void start(std::shared_ptr<void> owner, std::function<void()> sent,
               std::function<void(UpstreamFailure)> done);

    UpstreamConnection& connection() { return *connection_; }
    UpstreamParser& parser() { return *parser_; }
    bool request_sent() const { return sent_; }
    std::chrono::microseconds time_to_header() const { return time_to_header_; }

    // The reply was read to its end and the provider allows keep-alive: the connection goes
    // back to the pool; otherwise it is closed.
    void finish(bool reply_complete);
    // Closes the connection now (the client is gone, or a deadline passed): pending reads end
    // with an error and the provider stops generating.
    void cancel();

  private:
    void attempt(bool fresh_connection);
    void on_connected(beast::error_code ec);
    void on_written(beast::error_code ec);
    void on_header(beast::error_code ec);
    bool retry_on_fresh(beast::error_code ec);
    void complete(UpstreamFailure failure);

    UpstreamPool& pool_;
    UpstreamTimeouts timeouts_;
    UpstreamRequest request_;
    std::optional<std::string> credential_;
    std::unique_ptr<UpstreamConnection> connection_;
    std::optional<UpstreamParser> parser_;
    bool reused_ = false;
    bool sent_ = false;
    std::shared_ptr<void> owner_;
    std::function<void()> on_sent_;
    std::function<void(UpstreamFailure)> done_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::microseconds time_to_header_{0};
};

}  // namespace creditgate
