#include "creditgate/proxy/exchange.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "creditgate/errors/key_admission.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/invariant.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/proxy/header_policy.hpp"
#include "creditgate/proxy/own_key_errors.hpp"
#include "creditgate/shapes/model_tokenizer.hpp"
#include "creditgate/shapes/usage_cost.hpp"
#include "creditgate/usage/charge_rule.hpp"

namespace creditgate {

namespace {
constexpr std::size_t kReadPieceBytes = 16 * 1024;

bool is_success(unsigned status) {
    return status >= 200 && status < 300;
}

ApiError upstream_error_for(UpstreamFailure failure) {
    switch (failure) {
        case UpstreamFailure::timeout:
            return api_error(ErrorCode::upstream_timeout,
                             "The upstream provider did not answer in time.");
        case UpstreamFailure::unreachable:
            return api_error(ErrorCode::upstream_error, "Could not reach the upstream provider.");
        case UpstreamFailure::send_failed:
            return api_error(ErrorCode::upstream_error, "Sending to the upstream provider failed.");
        case UpstreamFailure::malformed:
        case UpstreamFailure::none:
            break;
    }
    return api_error(ErrorCode::upstream_error, "The upstream provider sent a malformed reply.");
}

ShownCost shown_cost(const SettleOutcome& charged) {
    return {format_nanos(-charged.entry.amount_nanos),
            format_nanos(charged.entry.provider_cost_nanos),
            format_nanos(charged.entry.markup_nanos)};
}

// A model is served by the endpoints of its provider's API: an Anthropic model by
// /v1/messages, an OpenAI-compatible one by the OpenAI endpoints.
ApiError wrong_endpoint_error(const ModelConfig& model, ProviderKind kind) {
    const std::string served_by = kind == ProviderKind::anthropic
                                      ? "POST /v1/messages (the Anthropic Messages API)"
                                      : "the OpenAI endpoints (POST /v1/chat/completions)";
    return api_error(
        ErrorCode::invalid_request,
        "The model '" + model.name + "' is served by " + served_by + ", not by this endpoint.",
        "model");
}

// A request must end before its hold does, so that its charge meets an open hold: the hold's
// timeout less a tenth of it (at least one second, at most a minute).
std::chrono::milliseconds request_time_limit(std::int64_t hold_timeout_s) {
    const std::int64_t hold_ms = hold_timeout_s * 1000;
    const std::int64_t margin_ms = std::clamp<std::int64_t>(hold_ms / 10, 1'000, 60'000);
    return std::chrono::milliseconds(std::max<std::int64_t>(hold_ms - margin_ms, 1));
}
}  // namespace

Exchange::Exchange(ProxyContext& context, std::shared_ptr<HttpSession> session, Request&& request,
                   KeyIdentity key, AccessRecord record, std::unique_ptr<Shape> shape)
    : context_(context),
      config_(context.snapshot()),
      session_(std::move(session)),
      request_(std::move(request)),
      key_(key),
      record_(std::move(record)),
      shape_(std::move(shape)) {
    context_.in_flight.fetch_add(1, std::memory_order_relaxed);
}

Exchange::~Exchange() {
    if (hold_open_) {
        // Reaching here with an open hold is a bug on some path; the hold still ends once.
        log_event(spdlog::level::err, "hold_released_by_destructor",
                  {{"request_id", record_.request_id}, {"hold_id", hold_id_}});
        context_.ledger.release(hold_id_);
    }
    OPENSSL_cleanse(own_key_.data(), own_key_.size());
    context_.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

// --- Admission and forwarding ----------------------------------------------------------------

void Exchange::start() {
    if (admit()) forward();
}

bool Exchange::admit() {
    if (auto error = shape_->parse(request_.body())) {
        fail_before_reply(*error);
        return false;
    }
    record_.model = shape_->model();
    record_.stream = shape_->stream();
    const auto& config = *config_;
    auto model = config.models.find(shape_->model());
    if (model == config.models.end()) {
        fail_before_reply(api_error(ErrorCode::model_not_found,
                                    "The model '" + shape_->model() + "' does not exist.",
                                    "model"));
        return false;
    }
    if (auto error = check_key_request(key_, shape_->model(), shape_->scope_name())) {
        fail_before_reply(*error);
        return false;
    }
    model_ = &model->second;
    pool_ = context_.pools.find(model_->provider);
    CG_CHECK(pool_ != nullptr, "the pools follow config_, whose models name its own providers");
    if (pool_->provider().kind != shape_->provider_kind()) {
        fail_before_reply(wrong_endpoint_error(*model_, pool_->provider().kind));
        return false;
    }
    // The account's own key for this provider, if it stored one: never the operator's
    // instead, not even when the own key cannot be used.
    auto own = context_.provider_keys.open(key_.account_id, model_->provider);
    if (own.state == OwnProviderKey::State::unusable) {
        fail_before_reply(own_key_unusable_error(model_->provider));
        return false;
    }
    if (own.state == OwnProviderKey::State::none && model_->byok_only) {
        fail_before_reply(own_key_required_error(model_->name, model_->provider));
        return false;
    }
    byok_ = own.state == OwnProviderKey::State::usable;
    own_key_ = std::move(own.key);
    if (byok_) add_flag("byok");
    shape_->count_output_with(model_tokenizer(*model_));
    auto price = shape_->price(*model_);
    if (auto* error = std::get_if<ApiError>(&price)) {
        fail_before_reply(*error);
        return false;
    }
    price_ = std::get<const ModelPrice*>(price);

    const auto bounds = shape_->bounds(*model_);
    prompt_bound_tokens_ = bounds.prompt_tokens;
    auto quote = compute_quote(*price_, config.markup, bounds.prompt_tokens, bounds.output_tokens,
                               bounds.images);
    if (quote.result != CostResult::ok) {
        fail_before_reply(
            api_error(ErrorCode::invalid_request, "The request is too large to price."));
        return false;
    }
    quote_ = quote.cost;
    HoldRequest hold;
    hold.account_id = key_.account_id;
    hold.key_id = key_.key_id;
    hold.request_id = record_.request_id;
    hold.model = shape_->model();
    hold.endpoint = shape_->endpoint();
    hold.byok = byok_;
    hold.amount_nanos = byok_ ? quote.cost.markup_nanos : quote.cost.total_nanos;
    hold.quote_provider_nanos = quote.cost.provider_nanos;
    hold.quote_markup_nanos = quote.cost.markup_nanos;
    hold.price_version = config.price_version;
    hold.token_bound = bounds.prompt_tokens > INT64_MAX - bounds.output_tokens
                           ? INT64_MAX
                           : bounds.prompt_tokens + bounds.output_tokens;
    const auto outcome = context_.ledger.hold(hold);
    if (outcome.key_refusal) {
        fail_before_reply(key_refusal_error(*outcome.key_refusal, hold.amount_nanos));
        return false;
    }
    if (outcome.result != LedgerResult::ok) {
        std::string message;
        if (outcome.result == LedgerResult::insufficient_credits) {
            message = "Not enough credits: this request may cost up to " +
                      format_nanos(hold.amount_nanos) + " credits and " +
                      format_nanos(std::max<std::int64_t>(outcome.available_nanos, 0)) +
                      " are available. Top up or lower max_tokens.";
        }
        fail_before_reply(api_error_from(outcome.result, std::move(message)));
        return false;
    }
    hold_id_ = outcome.hold_id;
    hold_seq_ = outcome.durable_seq;
    hold_open_ = true;
    deadline_ = std::chrono::steady_clock::now() + request_time_limit(config.ledger.hold_timeout_s);
    return true;
}

// The hold's record commits while the provider works; it only has to be durable before the
// first byte of the reply goes out.
void Exchange::forward() {
    const auto& limits = config_->limits;
    call_.emplace(*pool_, UpstreamTimeouts{std::chrono::milliseconds(limits.upstream_connect_ms),
                                           std::chrono::milliseconds(limits.upstream_first_byte_ms),
                                           std::chrono::milliseconds(limits.upstream_idle_ms)});
    auto& upstream = call_->request();
    upstream.method(http::verb::post);
    upstream.target(upstream_target(pool_->provider(), shape_->upstream_path()));
    upstream.version(11);
    copy_request_headers(request_.base(), upstream.base(), pool_->provider().forward_headers);
    upstream.set(http::field::content_type, "application/json");
    upstream.body() = shape_->upstream_body(*model_);
    if (byok_) {
        call_->use_credential(own_key_);
        OPENSSL_cleanse(own_key_.data(), own_key_.size());
        own_key_.clear();
    }
    auto self = shared_from_this();
    call_->start(
        self,
        [weak = std::weak_ptr<Exchange>(self)] {
            // From the moment the provider has the request, a client that hangs up cancels it.
            auto exchange = weak.lock();
            if (!exchange) return;
            exchange->session_->watch_disconnect([weak] {
                if (auto gone = weak.lock()) gone->on_client_gone();
            });
        },
        [this](UpstreamFailure failure) { on_upstream_header(failure); });
}

void Exchange::on_upstream_header(UpstreamFailure failure) {
    if (finished_) return;
    if (failure != UpstreamFailure::none) {
        log_event(spdlog::level::warn, "upstream_failed",
                  {{"request_id", record_.request_id}, {"failure", to_string(failure)}});
        return fail_before_reply(upstream_error_for(failure));
    }
    record_.upstream_first_byte_us = call_->time_to_header().count();
    const auto& header = call_->parser().get();
    const bool event_stream = header[http::field::content_type].starts_with("text/event-stream");
    if (is_success(header.result_int()) && shape_->stream() && event_stream) {
        return after_durable(hold_seq_, [this] { start_stream(); });
    }
    read_whole_body();
}

// --- Non-streamed replies --------------------------------------------------------------------

void Exchange::read_whole_body() {
    auto& parser = call_->parser();
    if (parser.is_done()) return on_whole_body();
    if (past_deadline()) {
        add_flag("deadline");
        return fail_before_reply(api_error(ErrorCode::upstream_timeout,
                                           "The upstream provider took longer than allowed."));
    }
    read_buffer_.resize(kReadPieceBytes);
    parser.get().body().data = read_buffer_.data();
    parser.get().body().size = read_buffer_.size();
    call_->connection().read_some(
        parser, std::chrono::milliseconds(config_->limits.upstream_idle_ms),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body_read(ec); });
}

void Exchange::on_body_read(beast::error_code ec) {
    if (finished_) return;
    auto& parser = call_->parser();
    if (ec == http::error::need_buffer) ec = {};
    if (!ec) call_->connection().parse_buffered(parser, ec);
    if (ec == beast::error::timeout) {
        return fail_before_reply(
            api_error(ErrorCode::upstream_timeout, "The upstream provider stopped answering."));
    }
    if (ec) {
        return fail_before_reply(
            api_error(ErrorCode::upstream_error, "The upstream reply was cut off."));
    }
    const auto got = read_buffer_.size() - parser.get().body().size;
    whole_body_.append(read_buffer_.data(), got);
    if (whole_body_.size() > config_->limits.max_upstream_body_bytes) {
        return fail_before_reply(
            api_error(ErrorCode::upstream_error, "The upstream reply is too large."));
    }
    read_whole_body();
}

void Exchange::on_whole_body() {
    finished_ = true;
    session_->stop_watching();
    const auto& header = call_->parser().get();
    auto reply = std::make_shared<Response>(header.result(), 11);
    copy_response_headers(header.base(), reply->base());
    stamp_request_id(reply->base());
    reply->body() = std::move(whole_body_);
    call_->finish(true);

    const auto status = static_cast<unsigned>(reply->result_int());
    if (byok_ && rejects_credential(status)) {
        return fail_before_reply(own_key_rejected_error(status, model_->provider));
    }
    if (!is_success(status)) {
        // The provider refused the request: it bills nothing, neither do we; the error goes
        // out once the release is durable (a crash must not turn it into an abandoned charge).
        const auto seq = release_hold();
        finish_log(reply->result_int());
        return after_durable(seq, [this, reply] { session_->reply(std::move(*reply)); });
    }
    shape_->inspect_body(reply->body());
    charge([self = shared_from_this(), reply](const SettleOutcome& outcome) {
        if (outcome.result == LedgerResult::ok) {
            reply->set("x-creditgate-cost", format_nanos(-outcome.entry.amount_nanos));
            reply->set("x-creditgate-balance", format_nanos(outcome.available_nanos));
            if (self->config_->expose_cost == CostExposure::usage) {
                self->shape_->add_cost_to_body(reply->body(), shown_cost(outcome));
            }
        }
        self->finish_log(reply->result_int());
        self->session_->reply(std::move(*reply));
    });
}

// --- Streamed replies ------------------------------------------------------------------------

void Exchange::start_stream() {
    if (finished_) return;
    const auto& header = call_->parser().get();
    http::response<http::empty_body> reply{header.result(), 11};
    copy_response_headers(header.base(), reply.base());
    stamp_request_id(reply.base());
    reply.set(http::field::cache_control, "no-cache");
    // An nginx in front of us must relay events as they come, not buffer them.
    reply.set("x-accel-buffering", "no");
    session_->begin_stream(std::move(reply));
    // Events that came with the header go out with it, in one write. Otherwise the header goes
    // alone now: the client learns that the stream has started.
    if (call_->connection().buffered_bytes() > 0) return read_stream();
    session_->flush_header([self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->on_client_gone();
        self->read_stream();
    });
}

void Exchange::read_stream() {
    if (finished_) return;
    auto& parser = call_->parser();
    if (parser.is_done()) return end_stream(true);
    if (past_deadline()) return end_stream_at_deadline();
    read_buffer_.resize(kReadPieceBytes);
    parser.get().body().data = read_buffer_.data();
    parser.get().body().size = read_buffer_.size();
    call_->connection().read_some(parser,
                                  std::chrono::milliseconds(config_->limits.upstream_idle_ms),
                                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                      self->on_stream_read(ec);
                                  });
}

void Exchange::on_stream_read(beast::error_code ec) {
    if (finished_) return;
    if (ec == http::error::need_buffer) ec = {};
    auto& parser = call_->parser();
    if (!ec) call_->connection().parse_buffered(parser, ec);  // the other events this read brought
    if (ec) return end_stream(false);
    const auto got = read_buffer_.size() - parser.get().body().size;
    relay(std::string_view(read_buffer_.data(), got));
}

void Exchange::relay(std::string_view bytes) {
    events_.clear();
    // A malformed stream (an event over the size limit) still delivers the events before it.
    const bool malformed = !sse_.feed(bytes, events_);
    std::string out;
    for (auto& event : events_) {
        const auto verdict = shape_->inspect_event(event);
        if (verdict.starts_tail) in_tail_ = true;
        if (verdict.drop) continue;
        if (in_tail_) {
            tail_.push_back({std::move(event), verdict.ends_stream});
        } else {
            out += event.raw;
        }
    }
    if (malformed) {
        tail_.insert(tail_.begin(), TailPiece{{out, {}, {}}});  // before the cut, in order
        return end_stream(false);
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

void Exchange::end_stream(bool upstream_complete) {
    if (finished_) return;
    finished_ = true;
    session_->stop_watching();
    call_->finish(upstream_complete);
    if (!upstream_complete) add_flag("upstream_cut_off");
    tail_.push_back({{sse_.take_remainder(), {}, {}}});
    if (!shape_->usage() && shape_->output_bytes() == 0 &&
        config_->ledger.on_empty_reply == EmptyReplyRule::void_hold) {
        // ledger.on_empty_reply "void": a stream that produced nothing and reported nothing is
        // not charged at all.
        add_flag("empty_reply");
        const auto seq = release_hold();
        finish_log(200);
        return after_durable(seq, [this, upstream_complete] {
            if (upstream_complete) {
                return session_->end_stream(take_tail(nullptr), [](beast::error_code) {});
            }
            session_->write_chunk(
                take_tail(nullptr),
                [self = shared_from_this()](beast::error_code) { self->session_->abort(); });
        });
    }
    charge([self = shared_from_this(), upstream_complete](const SettleOutcome& outcome) {
        self->finish_log(200);
        if (upstream_complete) {
            // The tail and the last chunk in one write.
            return self->session_->end_stream(self->take_tail(&outcome), [](beast::error_code) {});
        }
        // Cut off: what we have, then the connection ends without a last chunk, so the
        // client sees the cut too.
        self->session_->write_chunk(self->take_tail(&outcome),
                                    [self](beast::error_code) { self->session_->abort(); });
    });
}

// The stream ran into the request time limit: the provider is stopped, what was relayed is
// charged, and the client is told why in the stream itself.
void Exchange::end_stream_at_deadline() {
    finished_ = true;
    session_->stop_watching();
    call_->finish(false);
    add_flag("deadline");
    const auto error = api_error(ErrorCode::upstream_timeout,
                                 "The request ran longer than this proxy allows and was stopped.");
    tail_.push_back({{sse_.take_remainder(), {}, {}}});
    tail_.push_back({{shape_->error_event(error), {}, {}}});
    charge([self = shared_from_this()](const SettleOutcome& outcome) {
        self->finish_log(200);
        self->session_->end_stream(self->take_tail(&outcome), [](beast::error_code) {});
    });
}

void Exchange::on_client_gone() {
    if (finished_) return;
    finished_ = true;
    add_flag("client_closed");
    // Stop the provider generating tokens nobody will read.
    call_->cancel();
    if (!call_->request_sent()) {
        release_hold();  // the provider never had the request
        finish_log(499);
        return session_->abort();
    }
    charge([self = shared_from_this()](const SettleOutcome&) {
        self->finish_log(499);
        self->session_->abort();
    });
}

// --- Endings ---------------------------------------------------------------------------------

void Exchange::fail_before_reply(const ApiError& error) {
    finished_ = true;
    session_->stop_watching();
    if (call_) call_->finish(false);
    const auto seq = release_hold();
    record_.error_code = code_name(error.code);
    finish_log(static_cast<int>(error.status));
    after_durable(seq, [this, error] {
        auto reply = error_response(error, record_.request_id, shape_->error_body(error));
        stamp_request_id(reply.base());
        session_->reply(std::move(reply));
    });
}

void Exchange::stamp_request_id(http::fields& fields) const {
    fields.set("x-request-id", record_.request_id);
    if (const char* extra = shape_->extra_request_id_header())
        fields.set(extra, record_.request_id);
}

// A charge is never dropped: it is decided in memory now (the ledger takes it even after the
// hold's deadline), and `then` runs once it is durable.
void Exchange::charge(std::function<void(const SettleOutcome&)> then) {
    const auto& config = *config_;
    const auto& price = shape_->charged_price(*model_, *price_);
    const auto bill =
        bill_for(BillInputs{price, config.markup, quote_, shape_->usage(), prompt_bound_tokens_,
                            shape_->output_bytes(), shape_->output_tokens_estimate()});
    Charge charge{bill.tokens, bill.cost,      bill.estimated,
                  bill.flags,  bill.raw_usage, config.price_version};
    charge.byok = byok_;
    auto outcome = context_.ledger.settle(hold_id_, charge);
    if (outcome.result == LedgerResult::overflow ||
        outcome.result == LedgerResult::invalid_amount) {
        // Usage the ledger cannot take (a count so large the balance would overflow): the quote.
        charge.cost = quote_;
        charge.estimated = true;
        charge.flags = "quote";
        outcome = context_.ledger.settle(hold_id_, charge);
    }
    hold_open_ = false;
    record_.prompt_tokens = charge.tokens.prompt_tokens;
    record_.cached_tokens = charge.tokens.cached_tokens;
    record_.completion_tokens = charge.tokens.completion_tokens;
    if (charge.estimated) add_flag("estimated");
    if (outcome.result != LedgerResult::ok) {
        log_event(spdlog::level::critical, "settle_failed",
                  {{"request_id", record_.request_id},
                   {"hold_id", hold_id_},
                   {"result", to_string(outcome.result)}});
        return then(outcome);
    }
    record_.cost_nanos = -outcome.entry.amount_nanos;
    const auto seq = outcome.durable_seq;
    after_durable(seq, [then = std::move(then), outcome = std::move(outcome)] { then(outcome); });
}

void Exchange::after_durable(WriteSeq seq, std::function<void()> then) {
    if (context_.ledger.durable(seq)) return then();
    context_.ledger.when_durable(
        seq, [self = shared_from_this(), then = std::move(then)](bool durable) mutable {
            net::post(self->session_->executor(), [self, then = std::move(then), durable] {
                if (durable) return then();
                // The ledger stopped before this was recorded: nothing more goes to the client.
                self->finished_ = true;
                self->session_->abort();
            });
        });
}

WriteSeq Exchange::release_hold() {
    if (!hold_open_) return 0;
    hold_open_ = false;
    const auto [result, seq] = context_.ledger.release(hold_id_);
    if (result != LedgerResult::ok) {
        log_event(spdlog::level::critical, "release_failed",
                  {{"request_id", record_.request_id}, {"result", to_string(result)}});
    }
    return seq;
}

std::string Exchange::take_tail(const SettleOutcome* charged) {
    const bool known = charged != nullptr && charged->result == LedgerResult::ok;
    const bool in_usage = known && config_->expose_cost == CostExposure::usage;
    std::string out;
    bool commented = false;
    for (auto& piece : tail_) {
        if (in_usage) shape_->add_cost_to_usage_event(piece.event, shown_cost(*charged));
        if (known && piece.ends_stream && !commented) {
            out += cost_comment_block(record_.request_id, shown_cost(*charged),
                                      format_nanos(charged->available_nanos));
            commented = true;
        }
        out += piece.event.raw;
    }
    tail_.clear();
    return out;
}

void Exchange::add_flag(std::string_view flag) {
    if (!record_.flags.empty()) record_.flags += ',';
    record_.flags += flag;
}

void Exchange::finish_log(int status) {
    record_.status = status;
    log_access(record_);
}

}  // namespace creditgate
