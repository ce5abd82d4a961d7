#pragma once
// Token bounds of the OpenAI legacy completions and embeddings requests, before they are sent
// anywhere. Both take a prompt in the text-or-tokens form: a string, an array of strings, an
// array of token ids, or an array of arrays of token ids (shapes/request_fields.hpp checks it).
// The one place these bounds live: a tokenizer-based count replaces them here.
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace creditgate {

// Per prompt (per string or token array): special tokens a server may add (BOS, EOS, [CLS]).
inline constexpr std::int64_t kTokensPerPromptAllowance = 4;

// A string counts its UTF-8 bytes, a token array its length, each plus the allowance; an array
// of prompts sums them. Any other value counts its serialized bytes. Saturates at INT64_MAX.
std::int64_t text_or_tokens_bound(const nlohmann::json& prompt);

// "prompt" plus the bytes of "suffix" (the model reads it too).
std::int64_t completions_prompt_tokens_bound(const nlohmann::json& request);

// "input".
std::int64_t embeddings_input_tokens_bound(const nlohmann::json& request);

}  // namespace creditgate
