#pragma once
// Usage and output of the OpenAI Responses API (POST /v1/responses): a response object with
// "usage": {input_tokens, input_tokens_details.cached_tokens, output_tokens,
// output_tokens_details.reasoning_tokens, total_tokens}, streamed as named events that end with
// response.completed, response.failed or response.incomplete (no [DONE]).
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "creditgate/usage/openai_usage.hpp"

namespace creditgate {

// The usage of a response object in the OpenAI token classes: input → prompt (cached inside
// it), output → completion (reasoning inside it). nullopt when "usage" is absent or not an
// object; a missing or malformed count stays empty (never billed as zero). Never throws.
std::optional<ReportedUsage> responses_usage_from_json(const nlohmann::json& response);

// What the proxy learns from one event of a Responses stream.
struct ResponsesEventView {
    // response.completed, response.failed, response.incomplete: the response's last event,
    // which carries its usage.
    bool is_final = false;
    std::optional<ReportedUsage> usage;  // from the final event's response.usage
    // Decoded UTF-8 bytes of the string "delta" of any *.delta event (output text, refusal,
    // function-call arguments, reasoning text) and of an error event's "message".
    std::int64_t output_bytes = 0;
};

// `name` is the SSE event field; when absent, the data's "type" says the same. Data that is not
// one JSON object gives an empty view (the proxy relays it unchanged). Never throws.
ResponsesEventView inspect_responses_event(std::string_view name, std::string_view data);

// Output bytes of a non-streamed response object: the text of output_text and refusal parts of
// message items, function-call names and arguments, reasoning summaries and text. Never throws.
std::int64_t responses_output_bytes(const nlohmann::json& response);

}  // namespace creditgate
