#pragma once
// One metered request through the proxy, whatever its API shape: quote -> hold -> forward ->
// relay -> settle. The shape (shapes/shape.hpp) knows the bodies and events; this knows the
// order of things and the money promises:
// - the hold is decided in memory before the provider is called, and is durable before the
//   first byte of the reply reaches the client;
// - the charge is durable before the client receives the reply's last byte;
// - every path ends the hold exactly once: a charge when the provider may have billed, a
//   release when it surely did not (nothing was sent, or it answered with an error).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "creditgate/http/session.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/proxy/context.hpp"
#include "creditgate/shapes/shape.hpp"
#include "creditgate/upstream/upstream_call.hpp"
#include "creditgate/usage/sse_parser.hpp"

namespace creditgate {

class Exchange : public std::enable_shared_from_this<Exchange> {
  public:
    Exchange(ProxyContext& context, std::shared_ptr<HttpSession> session, Request&& request,
             KeyIdentity key, AccessRecord record, std::unique_ptr<Shape> shape);
    ~Exchange();

    void start();

  private:
    // Admission and forwarding.
    bool admit();
    void forward();
    void on_upstream_header(UpstreamFailure failure);
    // Non-streamed replies are read whole, then charged, then sent.
    void read_whole_body();
    void on_body_read(beast::error_code ec);
    void on_whole_body();
    // Streamed replies are relayed as they arrive.
    void start_stream();
    void read_stream();
    void on_stream_read(beast::error_code ec);
    void relay(std::string_view bytes);
    void end_stream(bool upstream_complete);
    void end_stream_at_deadline();
    void on_client_gone();

    // Endings.
    void fail_before_reply(const ApiError& error);
    void charge(std::function<void(const SettleOutcome&)> then);
    // Runs `then` on this request's executor once `seq` is durable; aborts the connection if
    // the ledger stops first (nothing unrecorded reaches the client).
    void after_durable(WriteSeq seq, std::function<void()> then);
    // Ends the hold without a charge; returns the release's sequence number (0: nothing to
    // wait for). A reply that tells the client "nothing charged" waits for it to be durable.
    WriteSeq release_hold();
    // The tail's bytes: with the charge known (ok), the cost comment goes right before the
    // stream's last event and, with "expose_cost": "usage", the cost into its usage event.
    std::string take_tail(const SettleOutcome* charged);
    void finish_log(int status);
    void add_flag(std::string_view flag);
    // x-request-id, and the shape's own request id header if it has one.
    void stamp_request_id(http::fields& fields) const;
    bool past_deadline() const { return std::chrono::steady_clock::now() >= deadline_; }

    ProxyContext& context_;
    // The config this request was quoted under: its prices, limits and pool, to the end.
    std::shared_ptr<const Config> config_;
    std::shared_ptr<HttpSession> session_;
    Request request_;
    KeyIdentity key_;
    AccessRecord record_;
    std::unique_ptr<Shape> shape_;

    const ModelConfig* model_ = nullptr;
    const ModelPrice* price_ = nullptr;
    std::shared_ptr<UpstreamPool> pool_;  // outlives call_, which borrows it
    std::int64_t prompt_bound_tokens_ = 0;
    Cost quote_;
    std::int64_t hold_id_ = 0;
    WriteSeq hold_seq_ = 0;
    bool hold_open_ = false;
    // Bring your own key: the account's own key for this provider, from admission until the
    // upstream call takes it; the hold and the charge are then the mark-up only.
    bool byok_ = false;
    std::string own_key_;
    // A request ends before its hold's deadline: past this it is cut, with its charge kept.
    std::chrono::steady_clock::time_point deadline_;

    std::optional<UpstreamCall> call_;
    std::string read_buffer_;
    std::string whole_body_;

    SseParser sse_;
    std::vector<SseEvent> events_;
    // From the usage event on: written only once the charge is durable. Kept as events so the
    // cost can still be added to them.
    struct TailPiece {
        SseEvent event;  // raw bytes only for what is not a whole event (a remainder, an error)
        bool ends_stream = false;
    };
    std::vector<TailPiece> tail_;
    bool in_tail_ = false;
    bool finished_ = false;  // the reply's ending is decided (charge, release or abort)
};

}  // namespace creditgate
