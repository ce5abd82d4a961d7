#pragma once
// Token bound of an OpenAI Responses API request (POST /v1/responses), before it is sent. The
// one place this bound lives: a tokenizer-based count replaces it here.
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace creditgate {

// Per input item (the template wraps each message or tool output).
inline constexpr std::int64_t kTokensPerResponsesItemAllowance = 8;

// Upper bound of input tokens for a request the proxy validated (no previous_response_id,
// conversation or stored prompt: their text is not in the body). The sum of:
// kTokensPerRequestAllowance (chat_quote.hpp); the bytes of "instructions"; "input" as a
// string (its bytes + the item allowance) or, per item, the allowance plus: for a message, its
// role and content (a string, or parts: input_text/output_text count their text, input_image
// kTokensPerImagePart, any other part its serialized bytes); for any other item (tool calls and
// their outputs, reasoning) its serialized bytes; and the serialized bytes of "tools",
// "tool_choice" and "text" (a JSON schema format). Never throws; saturates at INT64_MAX.
std::int64_t responses_prompt_tokens_bound(const nlohmann::json& request);

}  // namespace creditgate
