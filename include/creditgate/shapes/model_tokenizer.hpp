#pragma once
// The BPE a model's text is counted with (ModelConfig::tokenizer, loaded at start-up), for
// every shape: prompt bounds for the hold, and the output relayed before a disconnect.
//
//   const BpeEncoding* bpe = model_tokenizer(model);  // nullptr: count bytes
//   std::int64_t tokens = count_text_tokens(bpe, text);
#include <cstdint>
#include <string_view>

#include "creditgate/config/config.hpp"
#include "creditgate/tokenize/bpe_encoding.hpp"

namespace creditgate {

// nullptr when the model has no tokenizer ("bytes", an unknown family) or its rank file was not
// loaded: callers then count bytes, a bound for any byte-level tokenizer.
const BpeEncoding* model_tokenizer(const ModelConfig& model);

// Tokens of `text` with `bpe` (exact, as tiktoken), or its bytes when `bpe` is null.
inline std::int64_t count_text_tokens(const BpeEncoding* bpe, std::string_view text) {
    return bpe != nullptr ? bpe->count(text) : static_cast<std::int64_t>(text.size());
}

}  // namespace creditgate
