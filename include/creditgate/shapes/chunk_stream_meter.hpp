#pragma once
// What the chat and legacy completions shapes share: their streams are "data: {chunk}" events
// ending with "data: [DONE]", with usage in one usage-only chunk that the proxy asks for
// (stream_options.include_usage) and hides again when the client did not ask for it.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class ChunkStreamMeter {
  public:
    // One event of a chunk stream; may rewrite event.raw (strips the `"usage":null` that the
    // injected include_usage adds to every chunk when the client did not ask for usage).
    EventVerdict inspect_event(SseEvent& event, bool client_wants_usage);
    // OpenAI sends usage once; should a server repeat cumulative totals, the larger value of
    // each field wins (never a sum).
    void take_usage(ReportedUsage usage);
    // The model's tokenizer (nullptr: none): output is then counted in its tokens too.
    void count_output_with(const BpeEncoding* bpe) { output_bpe_ = bpe; }
    // A whole chat.completion or text_completion body: its usage and its output.
    void inspect_body(std::string_view body);

    const std::optional<ReportedUsage>& usage() const { return usage_; }
    std::int64_t output_bytes() const { return output_bytes_; }
    std::int64_t output_tokens() const { return output_tokens_; }  // bytes without a tokenizer

  private:
    std::optional<ReportedUsage> usage_;
    std::int64_t output_bytes_ = 0;
    const BpeEncoding* output_bpe_ = nullptr;
    std::int64_t output_tokens_ = 0;
};

// The usage chunk (the one event of a chunk stream with a usage object; the client asked for it
// with include_usage, else it was dropped) gets the charge as usage.cost.
void add_cost_to_usage_chunk(SseEvent& event, const ShownCost& cost);

// The body sent upstream: the provider's model name, and for a stream whose client did not ask
// for usage, stream_options.include_usage=true so that the stream can be billed.
std::string chunk_stream_upstream_body(nlohmann::json& body, const ModelConfig& model, bool stream,
                                       bool client_wants_usage);

}  // namespace creditgate
