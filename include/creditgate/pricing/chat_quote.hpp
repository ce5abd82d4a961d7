#pragma once
// Token bounds of an OpenAI chat completion request, before it is sent anywhere.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

namespace creditgate {

class BpeEncoding;

// Fixed allowances for the chat template's own tokens, which no text of the request shows.
// OpenAI counts 3 per message, 1 more for a "name", and 3 that prime the reply (the OpenAI
// cookbook's num_tokens_from_messages, the same for cl100k_base and o200k_base models): the
// allowances hold twice that and more. With the byte bound (byte-level BPE never yields more
// tokens than bytes) they are the same.
inline constexpr std::int64_t kTokensPerMessageAllowance = 8;
inline constexpr std::int64_t kTokensPerRequestAllowance = 16;
// With a BPE, each text part of an array content is counted on its own; where the provider
// joins parts, the tokens at the join may differ: one token per part holds that.
inline constexpr std::int64_t kTokensPerTextPart = 1;
// An image part is priced by the provider from its pixels, not its URL: hold a generous bound.
inline constexpr std::int64_t kTokensPerImagePart = 2'600;

// Upper bound of prompt tokens for a chat request already validated by the proxy
// (messages is an array of objects). Counts every message's role, name, string content or
// text parts, refusal and tool_call_id with `encoding` (exactly as tiktoken does, plus
// kTokensPerTextPart per text part), or their UTF-8 bytes when `encoding` is null; and always
// in bytes: tool_calls (function names and arguments), the serialized "tools", "functions",
// "response_format" and "prediction" if present, and non-text parts; plus the allowances above.
// Also counted, as the safe side: "tool_choice" and legacy "function_call" (serialized), tool
// call ids and types, and any other message field (key + serialized value). A field of an
// unexpected type counts its serialized bytes. Never throws on any JSON value; saturates at
// INT64_MAX (compute_quote then reports overflow). See docs/pricing.md.
std::int64_t chat_prompt_tokens_bound(const nlohmann::json& request,
                                      const BpeEncoding* encoding = nullptr);

}  // namespace creditgate
