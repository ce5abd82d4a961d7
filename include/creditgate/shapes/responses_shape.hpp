#pragma once
// POST /v1/responses, the OpenAI Responses API: named SSE events, usage in the final
// response.completed / response.failed / response.incomplete event, no [DONE].
#include "creditgate/shapes/responses_request.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class ResponsesShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/responses"; }
    const char* scope_name() const override { return "responses"; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return request_.stream; }
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override;
    std::string upstream_path() const override { return "/responses"; }
    std::string upstream_body(const ModelConfig& model) override;
    EventVerdict inspect_event(SseEvent& event) override;
    void inspect_body(std::string_view body) override;
    // The final event (response.completed, .failed, .incomplete) has response.usage.
    void add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) override;
    const std::optional<ReportedUsage>& usage() const override { return usage_; }
    std::int64_t output_bytes() const override { return output_bytes_; }

  private:
    ResponsesRequest request_;
    std::optional<ReportedUsage> usage_;
    std::int64_t output_bytes_ = 0;
};

}  // namespace creditgate
