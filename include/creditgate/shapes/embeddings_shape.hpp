#pragma once
// POST /v1/embeddings: input tokens only, never streamed. The reply (floats or base64, possibly
// many MB) goes to the client byte for byte; its usage is found without parsing the vectors.
#include "creditgate/shapes/embeddings_request.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class EmbeddingsShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/embeddings"; }
    const char* scope_name() const override { return "embeddings"; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return false; }
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override;
    std::string upstream_path() const override { return "/embeddings"; }
    std::string upstream_body(const ModelConfig& model) override;
    // Never called: the exchange reads a non-streamed reply whole.
    EventVerdict inspect_event(SseEvent&) override { return {}; }
    void inspect_body(std::string_view body) override;
    const std::optional<ReportedUsage>& usage() const override { return usage_; }
    std::int64_t output_bytes() const override { return 0; }

  private:
    EmbeddingsRequest request_;
    std::optional<ReportedUsage> usage_;
};

}  // namespace creditgate
