#pragma once
// POST /v1/chat/completions, the OpenAI chat shape: the first adapter.
#include "creditgate/shapes/chat_request.hpp"
#include "creditgate/shapes/chunk_stream_meter.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class ChatShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/chat/completions"; }
    const char* scope_name() const override { return "chat"; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return request_.stream; }
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override {
        return price_for_request(request_, model);
    }
    std::string upstream_path() const override { return "/chat/completions"; }
    std::string upstream_body(const ModelConfig& model) override;
    EventVerdict inspect_event(SseEvent& event) override;
    void inspect_body(std::string_view body) override { meter_.inspect_body(body); }
    const std::optional<ReportedUsage>& usage() const override { return meter_.usage(); }
    std::int64_t output_bytes() const override { return meter_.output_bytes(); }
    void count_output_with(const BpeEncoding* bpe) override { meter_.count_output_with(bpe); }
    std::int64_t output_tokens_estimate() const override { return meter_.output_tokens(); }
    void add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) override {
        add_cost_to_usage_chunk(event, cost);
    }

  private:
    ChatRequest request_;
    ChunkStreamMeter meter_;
};

}  // namespace creditgate
