#pragma once
// Token bounds of an OpenAI chat completion request, before it is sent anywhere.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

namespace creditgate {

// Fixed allowances that make the byte count a safe upper bound on tokens (byte-level BPE
// never yields more tokens than bytes; the allowances cover the chat template's own tokens).
inline constexpr std::int64_t kTokensPerMessageAllowance = 8;
inline constexpr std::int64_t kTokensPerRequestAllowance = 16;
// An image part is priced by the provider from its pixels, not its URL: hold a generous bound.
inline constexpr std::int64_t kTokensPerImagePart = 2'600;

// Upper bound of prompt tokens for a chat request already validated by the proxy
// (messages is an array of objects). Counts UTF-8 bytes of: every message's role, name,
// string content or text parts, refusal, tool_calls (function names and arguments),
// tool_call_id; plus the serialized bytes of "tools", "functions", "response_format" and
// "prediction" if present; plus the allowances above.
// Also counted, as the safe side: "tool_choice" and legacy "function_call" (serialized), tool
// call ids and types, and any other message field (key + serialized value). A field of an
// unexpected type counts its serialized bytes. Never throws on any JSON value; saturates at
// INT64_MAX (compute_quote then reports overflow). See docs/pricing.md.
std::int64_t chat_prompt_tokens_bound(const nlohmann::json& request);

}  // namespace creditgate
