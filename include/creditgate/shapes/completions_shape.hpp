#pragma once
// POST /v1/completions, OpenAI's legacy text completions: chat's stream and usage, a
// text-or-tokens prompt, and best_of candidates billed though not returned.
#include "creditgate/shapes/chunk_stream_meter.hpp"
#include "creditgate/shapes/completions_request.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class CompletionsShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/completions"; }
    const char* scope_name() const override { return "completions"; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return request_.stream; }
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override;
    std::string upstream_path() const override { return "/completions"; }
    std::string upstream_body(const ModelConfig& model) override;
    EventVerdict inspect_event(SseEvent& event) override;
    void inspect_body(std::string_view body) override { meter_.inspect_body(body); }
    const std::optional<ReportedUsage>& usage() const override { return meter_.usage(); }
    std::int64_t output_bytes() const override { return meter_.output_bytes(); }
    void add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) override {
        add_cost_to_usage_chunk(event, cost);
    }
    void count_output_with(const BpeEncoding* bpe) override { meter_.count_output_with(bpe); }
    std::int64_t output_tokens_estimate() const override { return meter_.output_tokens(); }

  private:
    CompletionsRequest request_;
    ChunkStreamMeter meter_;
};

}  // namespace creditgate
