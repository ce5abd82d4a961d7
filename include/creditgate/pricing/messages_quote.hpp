#pragma once
// Token bound of an Anthropic Messages API request, before it is sent anywhere.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

namespace creditgate {

// The system prompt Anthropic adds when tools are given (a few hundred tokens), and what an
// Anthropic-defined tool (bash, text editor, computer use) expands to.
inline constexpr std::int64_t kTokensToolUseAllowance = 1'000;
inline constexpr std::int64_t kTokensPerDefinedToolAllowance = 1'500;

// Upper bound of prompt tokens (input + cache reads + cache writes) for a Messages request
// already validated by the proxy. Bytes bound tokens (byte-level BPE), plus the allowances of
// chat_quote.hpp for the template's own tokens. Counts the UTF-8 bytes of: each message's role
// and content (a string; text blocks' text; an image block kTokensPerImagePart; a tool_result
// its tool_use_id and its content, the same way; any other block serialized), and the
// serialized bytes of "system", "tools" and "tool_choice", and the tool allowances above.
// Never throws; saturates at
// INT64_MAX (compute_quote then reports overflow). See docs/pricing.md.
std::int64_t messages_prompt_tokens_bound(const nlohmann::json& request);

}  // namespace creditgate
