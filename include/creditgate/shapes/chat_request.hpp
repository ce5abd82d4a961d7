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
};

// Errors name the offending field in `param`.
std::variant<ChatRequest, ApiError> parse_chat_request(std::string_view body);

// Output tokens to hold for: the client's limit capped by the model's, times the choices.
std::int64_t output_tokens_bound(const ChatRequest& request, const ModelConfig& model);

// The body sent upstream: the provider's model name, and include_usage on for streams so that
// usage can be billed.
std::string upstream_body(ChatRequest& request, const ModelConfig& model);

}  // namespace creditgate
