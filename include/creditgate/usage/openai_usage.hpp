#pragma once
// Usage extraction from OpenAI chat completion replies and stream chunks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "creditgate/pricing/cost.hpp"
#include "creditgate/tokenize/bpe_encoding.hpp"

namespace creditgate {

// Usage as the provider reported it. A field the provider did not send stays empty:
// a missing count is never billed as zero.
struct ReportedUsage {
    std::optional<std::int64_t> prompt_tokens;
    std::optional<std::int64_t> completion_tokens;
    std::optional<std::int64_t> cached_tokens;  // usage.prompt_tokens_details.cached_tokens
    std::optional<std::int64_t>
        reasoning_tokens;  // usage.completion_tokens_details.reasoning_tokens (inside completion)
    // Tokens written to a prompt cache (inside prompt; Anthropic's cache_creation_input_tokens).
    std::optional<std::int64_t> cache_write_tokens;
    // The part of cache_write_tokens written with a 1-hour TTL (Anthropic). No price class sells
    // it: it is charged at the entry's dearest class and flagged "unpriced_class".
    std::optional<std::int64_t> cache_write_1h_tokens;
    std::optional<std::int64_t> images;  // images generated (the images API)
    // usage.total_tokens: may count tokens outside prompt and completion (audio, tool or search
    // tokens in some OpenAI-compatible servers); see assess_usage (usage_assessment.hpp).
    std::optional<std::int64_t> total_tokens;
    std::string raw;  // the "usage" object as received: the provider's own bytes when taken from
                      // a stream chunk, usage.dump() when taken from a parsed body

    // Complete enough to bill: prompt and completion present (cached absent means 0 cached).
    bool billable() const { return prompt_tokens && completion_tokens; }
    // Requires billable(). An absent part counts 0. Reasoning is already inside completion
    // tokens (OpenAI shape) and cached inside prompt tokens: neither is added again. A server
    // that reports more reasoning than completion tokens counted them apart: they are added to
    // the completion, so no token it produced goes unbilled.
    TokenCounts to_counts() const;
};

// From a parsed object that may carry "usage" (a chat.completion body or a chunk).
// Returns nullopt if there is no "usage" object (absent or null). Non-integer or negative
// counts are treated as absent.
std::optional<ReportedUsage> usage_from_json(const nlohmann::json& object);

// Keeps the larger value of every field (a stream may repeat cumulative totals); raw becomes
// from.raw unless that is empty.
void merge_usage(ReportedUsage& into, const ReportedUsage& from);

// What the proxy does with one SSE event of a chat completion stream.
struct ChunkView {
    bool is_done = false;                // data is exactly "[DONE]"
    bool is_usage_only = false;          // has a non-null "usage" object and "choices" is empty
                                         // (an empty array, null or absent)
    std::optional<ReportedUsage> usage;  // non-null top-level usage in this chunk
    std::int64_t output_bytes = 0;       // decoded UTF-8 bytes of the string values of "content",
                                    // "refusal", "reasoning_content", "reasoning", "arguments",
                                    // "name" and "text" inside "delta", and of a top-level
                                    // error's "message" (for estimates)
    bool ends_with_null_usage = false;  // the JSON ends with `,"usage":null}` (added by
                                        // include_usage) before any trailing whitespace
    std::int64_t output_tokens = 0;     // the same strings' tokens with the BPE passed to
                                        // inspect_chat_chunk, each string counted apart (a
                                        // delta is usually one token); else output_bytes
};

// Inspects the data of one event. Cheap on ordinary content chunks: one validating pass without
// allocation; a chunk is only fully parsed when its top-level "usage" is an object. Data that is
// not one JSON object (malformed, truncated, nested deeper than 128, an empty keep-alive event)
// gives a view with nothing set (the proxy forwards it unchanged). Never throws.
// With `bpe`, output_tokens counts the output strings' tokens (the estimate when usage is
// missing); without, it repeats output_bytes.
ChunkView inspect_chat_chunk(std::string_view data, const BpeEncoding* bpe = nullptr);

// Removes the trailing `,"usage":null` that stream_options.include_usage adds to every chunk, so
// a client that did not ask for usage sees the provider's bytes. Returns the new event bytes.
// `raw` must be an event for which inspect_chat_chunk said ends_with_null_usage; only the 13 bytes
// `,"usage":null` before the data's final '}' go, every other byte (line endings too) stays. An
// event without that suffix is returned unchanged.
std::string strip_null_usage(std::string_view raw_event);

// Output bytes of a non-streamed chat.completion body (all choices' message content as a string
// or text/refusal parts, refusal, reasoning_content, reasoning, tool_calls[].function name and
// arguments, function_call name and arguments), for the estimate when usage is missing. Counts
// the same fields as inspect_chat_chunk does on deltas, so streamed and not cost the same. Never
// throws on any JSON value.
std::int64_t chat_completion_output_bytes(const nlohmann::json& body);
// The same strings' tokens with `bpe` (each string counted apart), or their bytes without.
std::int64_t chat_completion_output_tokens(const nlohmann::json& body, const BpeEncoding* bpe);

// Output bytes of a non-streamed legacy "text_completion" body: every choice's "text" (with
// echo, the echoed prompt too: an estimate errs on the side of more). Never throws.
std::int64_t completion_output_bytes(const nlohmann::json& body);

// The top-level "usage" of a JSON object too large to parse whole (an embeddings reply of
// many MB of floats): one validating pass over the bytes without building a DOM, then only the
// usage object is parsed; raw keeps its bytes. nullopt when the text is not one well-formed
// object or has no usage object. Never throws.
std::optional<ReportedUsage> top_level_usage(std::string_view json_text);

}  // namespace creditgate
