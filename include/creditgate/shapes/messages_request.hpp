#pragma once
// A client's Anthropic Messages API request (POST /v1/messages), validated at the edge.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

struct MessagesRequest {
    nlohmann::json body;
    std::string model;
    bool stream = false;
    std::int64_t max_tokens = 0;  // required by the API: the output bound
    // A `cache_control` anywhere in the request: the reply can report cache writes.
    bool writes_cache = false;
    // A `cache_control` with "ttl": "1h": 1-hour cache writes, which no price class sells.
    bool writes_1h_cache = false;
};

// Errors (400 invalid_request) name the offending field in `param`: model, max_tokens,
// messages (a non-empty array of objects with a string role and a string or array content),
// system (a string or an array), stream, tools (an array of objects; server tools billed per
// use — web search, code execution — are refused, no price entry sells them),
// thinking.budget_tokens (a positive integer below max_tokens), metadata (an object).
std::variant<MessagesRequest, ApiError> parse_messages_request(std::string_view body);

// The price this request is billed at: the model's. A request that can write to the prompt
// cache on a model entry without a cache_write price, or that asks for 1-hour cache writes, is
// a 400 naming `cache_control`: the provider would bill a class we cannot price.
std::variant<const ModelPrice*, ApiError> messages_price(const MessagesRequest& request,
                                                         const ModelConfig& model);

}  // namespace creditgate
