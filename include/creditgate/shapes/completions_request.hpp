#pragma once
// A client's legacy completions request (POST /v1/completions), validated at the edge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

// OpenAI's legacy completions generate 16 tokens when max_tokens is absent; the proxy sends
// that default explicitly, so a server with another default cannot exceed the hold.
inline constexpr std::int64_t kDefaultCompletionMaxTokens = 16;

struct CompletionsRequest {
    nlohmann::json body;
    std::string model;
    bool stream = false;
    bool client_wants_usage = false;  // stream_options.include_usage was true
    std::int64_t choices = 1;         // "n": completions returned per prompt
    std::int64_t best_of = 1;         // completions generated (and billed) per prompt
    std::int64_t prompts = 1;         // prompts in "prompt" (an array of them or one)
    std::optional<std::int64_t> max_tokens;
    std::string service_tier;
};

// Errors name the offending field in `param`: "prompt" must be a string, an array of strings,
// an array of token ids or an array of arrays of token ids.
std::variant<CompletionsRequest, ApiError> parse_completions_request(std::string_view body);

// Output tokens to hold for: max_tokens (default 16) capped by the model's, times
// max(n, best_of) (the provider generates and bills best_of candidates), times the prompts.
std::int64_t completions_output_bound(const CompletionsRequest& request, const ModelConfig& model);

// The body sent upstream: the provider's model name, max_tokens made explicit, include_usage
// on for streams.
std::string completions_upstream_body(CompletionsRequest& request, const ModelConfig& model);

}  // namespace creditgate
