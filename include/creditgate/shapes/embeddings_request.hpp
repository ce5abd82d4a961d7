#pragma once
// A client's embeddings request (POST /v1/embeddings), validated at the edge.
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/http/api_error.hpp"

namespace creditgate {

struct EmbeddingsRequest {
    nlohmann::json body;
    std::string model;
    std::string service_tier;
};

// "input" as for completions' prompt; "encoding_format" "float" or "base64" and "dimensions" (a
// positive integer) are relayed as sent. The API has no streaming: a "stream" other than false
// or null is refused naming it (it could only meet a provider error or an unmetered reply).
std::variant<EmbeddingsRequest, ApiError> parse_embeddings_request(std::string_view body);

}  // namespace creditgate
