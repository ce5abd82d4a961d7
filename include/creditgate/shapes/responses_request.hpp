#pragma once
// A client's Responses API request (POST /v1/responses), validated at the edge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

struct ResponsesRequest {
    nlohmann::json body;
    std::string model;
    bool stream = false;
    std::optional<std::int64_t> max_output_tokens;
    std::string service_tier;
};

// Errors name the offending field in `param`. Refused, because the hold could not bound or
// price what they make the provider bill:
// - "previous_response_id", "conversation", "prompt" (a stored prompt) and "item_reference"
//   input items: the prompt then includes text kept at the provider, which the body does not
//   show;
// - "background": true: the reply comes later, outside this request;
// - tools other than "function" and "custom" (web search, file search, code interpreter,
//   computer use, image generation, MCP): billed per call and feeding unseen text to the model.
std::variant<ResponsesRequest, ApiError> parse_responses_request(std::string_view body);

// max_output_tokens (reasoning included) capped by the model's, or the model's.
std::int64_t responses_output_bound(const ResponsesRequest& request, const ModelConfig& model);

}  // namespace creditgate
