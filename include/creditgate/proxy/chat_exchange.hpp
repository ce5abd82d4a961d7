#pragma once
// One chat completion through the proxy: quote -> hold -> upstream -> relay -> settle.
// Every path ends the hold exactly once: settle when the provider may have billed, release when
// nothing reached the client and the provider answered an error or was unreachable.
#include <memory>
#include <optional>
#include <string>

#include "creditgate/http/session.hpp"
#include "creditgate/observe/access_log.hpp"
#include "creditgate/proxy/chat_request.hpp"
#include "creditgate/proxy/context.hpp"
#include "creditgate/usage/openai_usage.hpp"
#include "creditgate/usage/sse_parser.hpp"

namespace creditgate {

class ChatExchange : public std::enable_shared_from_this<ChatExchange> {
  public:
    ChatExchange(ProxyContext& context, std::shared_ptr<HttpSession> session, Request&& request,
                 KeyIdentity key, AccessRecord record);
    ~ChatExchange();

    void start();

  private:
    // Admission.
    void on_hold(HoldOutcome outcome);
    // Upstream, before the first byte reached the client.
    void send_upstream(bool fresh_connection);
    void on_connected(beast::error_code ec);
    void on_sent(beast::error_code ec);
    void on_header(beast::error_code ec);
    // Non-streamed replies are read whole, then billed, then sent.
    void read_whole_body();
    void on_whole_body();
    // Streamed replies are relayed event by event.
    void on_stream_header_written(beast::error_code ec);
    void read_stream();
    void on_stream_read(beast::error_code ec);
    void relay_events(std::string_view bytes);
    void on_stream_end(bool upstream_complete);
    void on_client_gone();

    // Endings.
    void fail_before_reply(const ApiError& error);
    void settle(std::function<void(const SettleOutcome&)> then);
    void release_hold();
    void finish_log(int status);
    Charge charge_now();
    std::chrono::milliseconds ms(int value) const { return std::chrono::milliseconds(value); }

    ProxyContext& context_;
    std::shared_ptr<HttpSession> session_;
    Request request_;
    KeyIdentity key_;
    AccessRecord record_;

    std::optional<ChatRequest> chat_;
    const ModelConfig* model_ = nullptr;
    UpstreamPool* pool_ = nullptr;
    std::int64_t prompt_bound_tokens_ = 0;
    Cost quote_;
    std::int64_t hold_id_ = 0;
    bool hold_open_ = false;

    UpstreamRequest upstream_request_;
    std::unique_ptr<UpstreamConnection> connection_;
    bool connection_reused_ = false;
    std::optional<UpstreamParser> parser_;
    std::string read_buffer_;
    std::string whole_body_;
    std::chrono::steady_clock::time_point upstream_started_;

    // Streaming state.
    SseParser sse_;
    std::vector<SseEvent> events_;
    std::optional<ReportedUsage> usage_;
    std::int64_t streamed_output_bytes_ = 0;
    std::string tail_;  // usage chunk / [DONE]: written only after the settle committed
    bool in_tail_ = false;
    bool client_gone_ = false;
    bool finished_ = false;
};

}  // namespace creditgate
