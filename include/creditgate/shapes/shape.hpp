#pragma once
// One API shape (chat completions, completions, embeddings, Responses, Anthropic Messages,
// images) as the exchange sees it. The exchange (proxy/exchange.hpp) is shape-agnostic: hold,
// forward, relay, settle, timeouts, disconnects. Everything that depends on what the bodies and
// events of one API look like is behind this interface, one adapter per shape, one adapter
// object per request (it keeps the request and what the reply reported so far).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"
#include "creditgate/tokenize/bpe_encoding.hpp"
#include "creditgate/usage/openai_usage.hpp"
#include "creditgate/usage/sse_parser.hpp"

namespace creditgate {

// Upper bounds of what a request can consume, in tokens; the quote prices them.
struct RequestBounds {
    std::int64_t prompt_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t images = 0;  // priced per image (the images API)
};

// What to do with one event of a streamed reply.
struct EventVerdict {
    // From this event on, bytes wait until the charge is durable (the usage event, [DONE], the
    // final event of a shape without [DONE]): the client has its last byte only once its bill
    // is durable.
    bool starts_tail = false;
    bool drop = false;  // the proxy asked for it, the client did not (an injected usage chunk)
    // The stream's last event ([DONE], response.completed, message_stop): what the proxy adds
    // to a stream (the cost comment) goes right before it.
    bool ends_stream = false;
};

// What a request cost, as the caller is shown it: decimal credits (format_nanos).
struct ShownCost {
    std::string total;     // what the account was debited
    std::string provider;  // the provider's list price
    std::string markup;    // the operator's margin
};

class Shape {
  public:
    virtual ~Shape() = default;

    // The endpoint as recorded on ledger entries ("/v1/chat/completions").
    virtual const char* endpoint() const = 0;
    // The endpoint as a key's scope names it ("chat"; auth/key_scope.hpp kScopeEndpoints).
    virtual const char* scope_name() const = 0;
    // The API the provider must speak: a model whose provider is of another kind is refused
    // (400 naming `model`).
    virtual ProviderKind provider_kind() const { return ProviderKind::openai; }

    // Validates the client's body at the edge; an error names the offending field.
    virtual std::optional<ApiError> parse(std::string_view body) = 0;
    // After parse():
    virtual const std::string& model() const = 0;
    virtual bool stream() const = 0;
    virtual RequestBounds bounds(const ModelConfig& model) const = 0;
    // The price this request is billed at, quote and charge alike: the model's, or one the
    // request selects (a service tier). An error (400 naming the parameter) when the request
    // selects a price the model entry does not have: nothing is sold unpriced.
    virtual std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const {
        return &model.price;
    }
    // The price the reply is charged at, given the one the hold was placed at: the same, unless
    // the reply says which of several prices applied (an image request held at the dearest size
    // and quality it could produce). Never dearer than `held`.
    virtual const ModelPrice& charged_price(const ModelConfig& /*model*/,
                                            const ModelPrice& held) const {
        return held;
    }
    // Path below the provider's base path, and the body sent (the provider's model name, what
    // the proxy needs to meter, e.g. include_usage on streams).
    virtual std::string upstream_path() const = 0;
    virtual std::string upstream_body(const ModelConfig& model) = 0;

    // A streamed reply, event by event, in order. May rewrite event.raw.
    virtual EventVerdict inspect_event(SseEvent& event) = 0;
    // A whole (non-streamed) reply body of a 2xx status.
    virtual void inspect_body(std::string_view body) = 0;

    // What the reply reported so far (nullopt: no usage seen), and the output the proxy saw,
    // in bytes (bytes bound tokens).
    virtual const std::optional<ReportedUsage>& usage() const = 0;
    virtual std::int64_t output_bytes() const = 0;
    // The model's tokenizer (shapes/model_tokenizer.hpp; nullptr: none), given before the reply
    // is inspected, so the output relayed can be counted in tokens.
    virtual void count_output_with(const BpeEncoding* /*bpe*/) {}
    // The estimate of output tokens when usage is missing: the output counted with that
    // tokenizer where the shape can, else output_bytes().
    virtual std::int64_t output_tokens_estimate() const { return output_bytes(); }

    // With "expose_cost": "usage", the charge is added to the reply where the shape reports
    // usage, as a decimal string `cost` (the client already has every other byte as the
    // provider sent it). A shape without a usage object leaves the reply as it is.
    // A whole 2xx body, once its charge is known. Every API here reports usage in a top-level
    // "usage" object of its body: the default adds the cost there (usage_cost.cpp).
    virtual void add_cost_to_body(std::string& body, const ShownCost& cost);
    // An event of the stream's tail (from starts_tail on), once the charge is known: the shape
    // adds the cost if this is the event that carries usage.
    virtual void add_cost_to_usage_event(SseEvent& /*event*/, const ShownCost& /*cost*/) {}

    // An error in the shape's own format (the OpenAI shape for OpenAI APIs).
    virtual std::string error_body(const ApiError& error) const { return error.body(); }
    // The same error as one event of a streamed reply.
    virtual std::string error_event(const ApiError& error) const {
        return "data: " + error_body(error) + "\n\n";
    }
    // A header that carries the request id besides x-request-id, for SDKs that read another
    // name (Anthropic's read `request-id`); nullptr when none.
    virtual const char* extra_request_id_header() const { return nullptr; }
};

}  // namespace creditgate
