#pragma once
// Validation at the edge shared by the OpenAI request shapes (chat, completions, embeddings,
// Responses): each reader checks one field and returns a 400 invalid_request naming it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

ApiError invalid_field(std::string message, std::string param);

// The body as one JSON object, or the error saying it is not.
std::variant<nlohmann::json, ApiError> parse_json_object(std::string_view text);

// "model": required, a non-empty string.
std::optional<ApiError> read_model(const nlohmann::json& body, std::string& out);
// A boolean field; absent or null leaves `out` as it is.
std::optional<ApiError> read_bool(const nlohmann::json& body, const char* field, bool& out);
// A positive integer field; absent or null leaves `out` empty.
std::optional<ApiError> read_positive(const nlohmann::json& body, const char* field,
                                      std::optional<std::int64_t>& out);
// An integer field from 1 to `max`; absent or null leaves `out` as it is.
std::optional<ApiError> read_count(const nlohmann::json& body, const char* field, std::int64_t max,
                                   std::int64_t& out);
// "stream" and "stream_options.include_usage".
std::optional<ApiError> read_stream(const nlohmann::json& body, bool& stream,
                                    bool& client_wants_usage);
// "service_tier": a string; empty when absent or null.
std::optional<ApiError> read_service_tier(const nlohmann::json& body, std::string& out);

// The price of `model` at `service_tier` (price_for), or a 400 naming `service_tier` that lists
// the tiers the model sells: the provider would bill a tier we have no price for.
std::variant<const ModelPrice*, ApiError> price_for_tier(const ModelConfig& model,
                                                         const std::string& service_tier);

// A prompt in the OpenAI text-or-tokens form ("prompt" of completions, "input" of embeddings):
// a string, an array of strings, an array of token ids, or an array of arrays of token ids;
// arrays are non-empty. An error names `field`.
std::optional<ApiError> check_text_or_tokens(const nlohmann::json& body, const char* field);

}  // namespace creditgate
