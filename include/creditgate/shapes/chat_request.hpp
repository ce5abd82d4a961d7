#pragma once
// A client's chat completion request, validated at the edge, and its rewrite for the provider.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

inline constexpr std::int64_t kMaxChoices = 128;

struct ChatRequest {
    nlohmann::json body;
    std::string model;
    bool stream = false;
    bool client_wants_usage = false;                // stream_options.include_usage was true
    std::int64_t choices = 1;                       // "n"
    std::optional<std::int64_t> max_output_tokens;  // max_completion_tokens / max_tokens
    std::string service_tier;  // as the client sent it; empty when absent or null
};

// Errors name the offending field in `param`. Parameters that change the provider's price in a
// way no model entry can price (audio output: `modalities` with "audio" or an `audio` object;
// `web_search_options`) are refused with 400 invalid_request here.
std::variant<ChatRequest, ApiError> parse_chat_request(std::string_view body);

// The price this request is billed at (quote and settle): the model's standard price, or the
// price of its service_tier when the model entry lists one. A tier the entry does not price is
// a 400 invalid_request naming `service_tier`: the provider would bill it at a price we do not
// know.
std::variant<const ModelPrice*, ApiError> price_for_request(const ChatRequest& request,
                                                            const ModelConfig& model);

// Output tokens to hold for: the client's limit capped by the model's, times the choices.
std::int64_t output_tokens_bound(const ChatRequest& request, const ModelConfig& model);

// The body sent upstream: the provider's model name, and include_usage on for streams so that
// usage can be billed.
std::string upstream_body(ChatRequest& request, const ModelConfig& model);

}  // namespace creditgate
