#include "creditgate/proxy/chat_exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "creditgate/pricing/chat_quote.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/proxy/header_policy.hpp"

namespace creditgate {

namespace {
constexpr std::size_t kReadPieceBytes = 16 * 1024;

bool is_success(unsigned status) {
    return status >= 200 && status < 300;
}
}  // namespace

ChatExchange::ChatExchange(ProxyContext& context, std::shared_ptr<HttpSession> session,
                           Request&& request, KeyIdentity key, AccessRecord record)
    : context_(context),
      session_(std::move(session)),
      request_(std::move(request)),
      key_(key),
      record_(std::move(record)) {
    context_.in_flight.fetch_add(1, std::memory_order_relaxed);
}

ChatExchange::~ChatExchange() {
    if (hold_open_) {
        // Reaching here with an open hold is a bug on some path; the hold still ends once.
        spdlog::error(R"({{"event":"hold_released_by_destructor","request_id":"{}","hold_id":{}}})",
                      record_.request_id, hold_id_);
        context_.ledger.release(hold_id_, [](LedgerResult) {});
    }
    if (connection_) connection_->close();
    context_.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

// --- Admission -------------------------------------------------------------------------------

void ChatExchange::start() {
    auto parsed = parse_chat_request(request_.body());
    if (auto* error = std::get_if<ApiError>(&parsed)) return fail_before_reply(*error);
    chat_ = std::move(std::get<ChatRequest>(parsed));
    record_.model = chat_->model;
    record_.stream = chat_->stream;

    const auto& config = *context_.config;
    auto model = config.models.find(chat_->model);
    if (model == config.models.end()) {
        return fail_before_reply(api_error(ErrorCode::model_not_found,
                                           "The model '" + chat_->model + "' does not exist.",
                                           "model"));
    }
    model_ = &model->second;
    pool_ = context_.pools.at(model_->provider).get();

    prompt_bound_tokens_ = chat_prompt_tokens_bound(chat_->body);
    auto quote = compute_quote(model_->price, config.markup, prompt_bound_tokens_,
                               output_tokens_bound(*chat_, *model_));
    if (quote.result != CostResult::ok) {
        return fail_before_reply(api_error(ErrorCode::invalid_request,
                                           "The request is too large to price.", "messages"));
    }
    quote_ = quote.cost;
    HoldRequest hold;
    hold.account_id = key_.account_id;
    hold.key_id = key_.key_id;
    hold.request_id = record_.request_id;
    hold.model = chat_->model;
    hold.endpoint = "/v1/chat/completions";
    hold.amount_nanos = quote.cost.total_nanos;
    hold.quote_provider_nanos = quote.cost.provider_nanos;
    hold.quote_markup_nanos = quote.cost.markup_nanos;
    hold.price_version = config.price_version;
    context_.ledger.hold(std::move(hold), [self = shared_from_this()](HoldOutcome outcome) {
        net::post(self->session_->executor(), [self, outcome] { self->on_hold(outcome); });
    });
}

void ChatExchange::on_hold(HoldOutcome outcome) {
    if (outcome.result != LedgerResult::ok) {
        auto error = api_error_from(outcome.result);
        if (outcome.result == LedgerResult::insufficient_credits) {
            error.message = "Not enough credits: this request may cost up to " +
                            format_nanos(quote_.total_nanos) + " credits and " +
                            format_nanos(std::max<std::int64_t>(outcome.available_nanos, 0)) +
                            " are available. Top up or lower max_tokens.";
        }
        return fail_before_reply(error);
    }
    hold_id_ = outcome.hold_id;
    hold_open_ = true;

    const auto& provider = pool_->provider();
    upstream_request_ =
        UpstreamRequest{http::verb::post, provider.base_path + "/chat/completions", 11};
    copy_request_headers(request_.base(), upstream_request_.base());
    bool default_port = (provider.scheme == "https" && provider.port == 443) ||
                        (provider.scheme == "http" && provider.port == 80);
    auto host =
        provider.host.find(':') != std::string::npos ? "[" + provider.host + "]" : provider.host;
    upstream_request_.set(http::field::host,
                          default_port ? host : host + ":" + std::to_string(provider.port));
    if (!provider.api_key.empty()) {
        upstream_request_.set(http::field::authorization, "Bearer " + provider.api_key);
    }
    upstream_request_.set(http::field::content_type, "application/json");
    upstream_request_.keep_alive(true);
    upstream_request_.body() = upstream_body(*chat_, *model_);
    upstream_request_.prepare_payload();
    send_upstream(false);
}

// --- Upstream, nothing sent to the client yet ------------------------------------------------

void ChatExchange::send_upstream(bool fresh_connection) {
    upstream_started_ = std::chrono::steady_clock::now();
    if (!fresh_connection) connection_ = pool_->take_idle();
    if (connection_) {
        connection_reused_ = true;
        return on_connected({});
    }
    connection_reused_ = false;
    connection_ = pool_->make_new();
    connection_->connect(
        ms(context_.config->limits.upstream_connect_ms),
        [self = shared_from_this()](beast::error_code ec) { self->on_connected(ec); });
}

void ChatExchange::on_connected(beast::error_code ec) {
    if (ec) {
        spdlog::warn(R"({{"event":"upstream_connect_failed","request_id":"{}","error":"{}"}})",
                     record_.request_id, ec.message());
        return fail_before_reply(
            api_error(ErrorCode::upstream_error, "Could not reach the upstream provider."));
    }
    connection_->write(
        upstream_request_, ms(context_.config->limits.upstream_idle_ms),
        [self = shared_from_this()](beast::error_code write_ec) { self->on_sent(write_ec); });
}

void ChatExchange::on_sent(beast::error_code ec) {
    if (ec && connection_reused_) {
        // A pooled connection the provider closed while idle: retry once on a new one.
        connection_->close();
        return send_upstream(true);
    }
    if (ec)
        return fail_before_reply(
            api_error(ErrorCode::upstream_error, "Sending to the upstream provider failed."));
    parser_.emplace();
    parser_->body_limit(boost::none);  // whole bodies are limited below; streams by time
    parser_->header_limit(64 * 1024);
    connection_->read_header(
        *parser_, ms(context_.config->limits.upstream_first_byte_ms),
        [self = shared_from_this()](beast::error_code read_ec) { self->on_header(read_ec); });
}

void ChatExchange::on_header(beast::error_code ec) {
    if (ec == beast::error::timeout) {
        return fail_before_reply(api_error(ErrorCode::upstream_timeout,
                                           "The upstream provider did not answer in time."));
    }
    if (ec && connection_reused_ &&
        (ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset)) {
        connection_->close();
        return send_upstream(true);
    }
    if (ec)
        return fail_before_reply(
            api_error(ErrorCode::upstream_error, "The upstream provider sent a malformed reply."));
    record_.upstream_first_byte_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - upstream_started_)
                                         .count();
    const auto& header = parser_->get();
    bool event_stream = header[http::field::content_type].starts_with("text/event-stream");
    if (is_success(header.result_int()) && chat_->stream && event_stream) {
        http::response<http::empty_body> reply{header.result(), 11};
        copy_response_headers(header.base(), reply.base());
        reply.set("x-request-id", record_.request_id);
        reply.set(http::field::cache_control, "no-cache");
        session_->begin_stream(std::move(reply));
        // Events that came with the header go out with it, in one write. Otherwise the header
        // goes alone now: the client learns that the stream has started.
        if (connection_->buffered_bytes() > 0) return on_stream_header_written({});
        return session_->flush_header([self = shared_from_this()](beast::error_code write_ec) {
            self->on_stream_header_written(write_ec);
        });
    }
    read_whole_body();
}

// --- Non-streamed replies --------------------------------------------------------------------

void ChatExchange::read_whole_body() {
    if (parser_->is_done()) return on_whole_body();
    read_buffer_.resize(kReadPieceBytes);
    parser_->get().body().data = read_buffer_.data();
    parser_->get().body().size = read_buffer_.size();
    connection_->read_some(
        *parser_, ms(context_.config->limits.upstream_idle_ms),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec == http::error::need_buffer) ec = {};
            if (!ec) self->connection_->parse_buffered(*self->parser_, ec);
            if (ec == beast::error::timeout) {
                return self->fail_before_reply(api_error(
                    ErrorCode::upstream_timeout, "The upstream provider stopped answering."));
            }
            if (ec) {
                return self->fail_before_reply(
                    api_error(ErrorCode::upstream_error, "The upstream reply was cut off."));
            }
            auto got = self->read_buffer_.size() - self->parser_->get().body().size;
            self->whole_body_.append(self->read_buffer_.data(), got);
            if (self->whole_body_.size() > self->context_.config->limits.max_upstream_body_bytes) {
                return self->fail_before_reply(
                    api_error(ErrorCode::upstream_error, "The upstream reply is too large."));
            }
            self->read_whole_body();
        });
}

void ChatExchange::on_whole_body() {
    const auto& header = parser_->get();
    auto status = header.result();
    Response reply{status, 11};
    copy_response_headers(header.base(), reply.base());
    reply.set("x-request-id", record_.request_id);
    reply.body() = std::move(whole_body_);
    if (parser_->keep_alive()) {
        pool_->give_back(std::move(connection_));
    } else {
        connection_->close();
    }

    if (!is_success(static_cast<unsigned>(header.result_int()))) {
        // The provider refused the request: it bills nothing, neither do we.
        release_hold();
        finish_log(header.result_int());
        return session_->reply(std::move(reply));
    }
    auto body = nlohmann::json::parse(reply.body(), nullptr, false);
    if (!body.is_discarded()) {
        usage_ = usage_from_json(body);
        streamed_output_bytes_ = chat_completion_output_bytes(body);
    } else {
        streamed_output_bytes_ = static_cast<std::int64_t>(reply.body().size());
    }
    auto shared_reply = std::make_shared<Response>(std::move(reply));
    settle([self = shared_from_this(), shared_reply](const SettleOutcome& outcome) {
        if (outcome.result == LedgerResult::ok) {
            shared_reply->set("x-creditgate-cost", format_nanos(-outcome.entry.amount_nanos));
            shared_reply->set("x-creditgate-balance", format_nanos(outcome.available_nanos));
        }
        self->finish_log(shared_reply->result_int());
        self->session_->reply(std::move(*shared_reply));
    });
}

// --- Streamed replies ------------------------------------------------------------------------

void ChatExchange::on_stream_header_written(beast::error_code ec) {
    if (ec) return on_client_gone();
    std::weak_ptr<ChatExchange> weak = shared_from_this();
    session_->watch_disconnect([weak] {
        if (auto self = weak.lock()) self->on_client_gone();
    });
    read_stream();
}

void ChatExchange::read_stream() {
    if (client_gone_) return;
    if (parser_->is_done()) return on_stream_end(true);
    read_buffer_.resize(kReadPieceBytes);
    parser_->get().body().data = read_buffer_.data();
    parser_->get().body().size = read_buffer_.size();
    connection_->read_some(*parser_, ms(context_.config->limits.upstream_idle_ms),
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_stream_read(ec);
                           });
}

void ChatExchange::on_stream_read(beast::error_code ec) {
    if (client_gone_) return;
    if (ec == http::error::need_buffer) ec = {};
    if (!ec) connection_->parse_buffered(*parser_, ec);  // the other events this read brought
    if (ec) return on_stream_end(false);
    auto got = read_buffer_.size() - parser_->get().body().size;
    relay_events(std::string_view(read_buffer_.data(), got));
}

void ChatExchange::relay_events(std::string_view bytes) {
    events_.clear();
    // A malformed stream (an event over the size limit) still delivers the events before it.
    const bool malformed = !sse_.feed(bytes, events_);
    std::string out;
    for (auto& event : events_) {
        auto view = inspect_chat_chunk(event.data);
        if (view.usage) {
            if (usage_) {
                merge_usage(*usage_, *view.usage);
            } else {
                usage_ = std::move(view.usage);
            }
        }
        streamed_output_bytes_ += view.output_bytes;
        // From the usage chunk on, bytes wait until the charge is committed: the client has its
        // last byte only once its bill is durable.
        if (view.is_usage_only || view.is_done) in_tail_ = true;
        if (!chat_->client_wants_usage) {
            if (view.is_usage_only) continue;  // we asked for it, the client did not
            if (view.ends_with_null_usage) event.raw = strip_null_usage(event.raw);
        }
        (in_tail_ ? tail_ : out) += event.raw;
    }
    if (malformed) {
        tail_.insert(0, out);  // written before the connection is cut, in order
        return on_stream_end(false);
    }
    if (out.empty() && session_->header_pending()) {
        // Nothing whole to relay yet: the header goes now, it must not wait for the next event.
        return session_->flush_header([self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->on_client_gone();
            self->read_stream();
        });
    }
    if (out.empty()) return read_stream();
    session_->write_chunk(std::move(out), [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->on_client_gone();
        self->read_stream();
    });
}

void ChatExchange::on_stream_end(bool upstream_complete) {
    if (finished_) return;
    finished_ = true;
    session_->stop_watching();
    if (upstream_complete && parser_->keep_alive()) {
        pool_->give_back(std::move(connection_));
    } else {
        connection_->close();
        record_.flags = "upstream_cut_off";
    }
    tail_ += sse_.take_remainder();
    settle([self = shared_from_this(), upstream_complete](const SettleOutcome&) {
        self->finish_log(200);
        if (upstream_complete) {
            // The tail and the last chunk in one write.
            return self->session_->end_stream(std::move(self->tail_), [](beast::error_code) {});
        }
        // Cut off: what we have, then the connection ends without a last chunk, so the
        // client sees the cut too.
        self->session_->write_chunk(std::move(self->tail_),
                                    [self](beast::error_code) { self->session_->abort(); });
    });
}

void ChatExchange::on_client_gone() {
    if (client_gone_ || finished_) return;
    client_gone_ = true;
    finished_ = true;
    record_.flags = "client_closed";
    // Stop the provider generating tokens nobody will read.
    connection_->close();
    settle([self = shared_from_this()](const SettleOutcome&) {
        self->finish_log(499);
        self->session_->abort();
    });
}

// --- Endings ---------------------------------------------------------------------------------

void ChatExchange::fail_before_reply(const ApiError& error) {
    if (connection_) connection_->close();
    release_hold();
    record_.error_code = code_name(error.code);
    finish_log(static_cast<int>(error.status));
    session_->reply_error(error, record_.request_id);
}

Charge ChatExchange::charge_now() {
    const auto& config = *context_.config;
    Charge charge;
    charge.price_version = config.price_version;
    if (usage_ && usage_->billable()) {
        auto counts = usage_->to_counts();
        auto cost = compute_cost(model_->price, config.markup, counts);
        if (cost.result == CostResult::ok) {
            charge.tokens = counts;
            charge.cost = cost.cost;
            charge.raw_usage = usage_->raw;
            return charge;
        }
        spdlog::warn(R"({{"event":"usage_unusable","request_id":"{}","result":{}}})",
                     record_.request_id, static_cast<int>(cost.result));
    }
    // No usable usage: the prompt bound plus the output we relayed (bytes bound tokens).
    charge.estimated = true;
    charge.tokens = TokenCounts{prompt_bound_tokens_, 0, streamed_output_bytes_};
    auto cost = compute_cost(model_->price, config.markup, charge.tokens);
    charge.cost = cost.result == CostResult::ok ? cost.cost : quote_;
    if (usage_) charge.raw_usage = usage_->raw;
    return charge;
}

void ChatExchange::settle(std::function<void(const SettleOutcome&)> then) {
    auto charge = charge_now();
    record_.prompt_tokens = charge.tokens.prompt_tokens;
    record_.cached_tokens = charge.tokens.cached_tokens;
    record_.completion_tokens = charge.tokens.completion_tokens;
    if (charge.estimated) record_.flags += record_.flags.empty() ? "estimated" : ",estimated";
    hold_open_ = false;  // handed to the ledger: it ends there, exactly once
    context_.ledger.settle(
        hold_id_, std::move(charge),
        [self = shared_from_this(), then = std::move(then)](SettleOutcome outcome) mutable {
            net::post(self->session_->executor(), [self, then = std::move(then),
                                                   outcome = std::move(outcome)] {
                if (outcome.result != LedgerResult::ok) {
                    spdlog::critical(
                        R"({{"event":"settle_failed","request_id":"{}","hold_id":{},"result":"{}"}})",
                        self->record_.request_id, self->hold_id_, to_string(outcome.result));
                } else {
                    self->record_.cost_nanos = -outcome.entry.amount_nanos;
                }
                then(outcome);
            });
        });
}

void ChatExchange::release_hold() {
    if (!hold_open_) return;
    hold_open_ = false;
    context_.ledger.release(hold_id_, [request_id = record_.request_id](LedgerResult result) {
        if (result != LedgerResult::ok) {
            spdlog::critical(R"({{"event":"release_failed","request_id":"{}","result":"{}"}})",
                             request_id, to_string(result));
        }
    });
}

void ChatExchange::finish_log(int status) {
    record_.status = status;
    log_access(record_);
}

}  // namespace creditgate
