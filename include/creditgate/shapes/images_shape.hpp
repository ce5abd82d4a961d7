#pragma once
// POST /v1/images/generations, priced per image by size and quality (docs/pricing.md, "Images").
#include "creditgate/shapes/images_request.hpp"
#include "creditgate/shapes/shape.hpp"

namespace creditgate {

class ImagesShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/images/generations"; }
    const char* scope_name() const override { return "images"; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return false; }  // parse() refuses stream: true
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override {
        return held_image_price(request_, model);
    }
    const ModelPrice& charged_price(const ModelConfig& model,
                                    const ModelPrice& held) const override;
    std::string upstream_path() const override { return "/images/generations"; }
    std::string upstream_body(const ModelConfig& model) override;
    EventVerdict inspect_event(SseEvent&) override { return {}; }  // never streamed
    void inspect_body(std::string_view body) override;
    const std::optional<ReportedUsage>& usage() const override { return usage_; }
    // The output is images, priced per image: no text to estimate tokens from.
    std::int64_t output_bytes() const override { return 0; }

  private:
    ImagesRequest request_;
    bool input_priced_ = false;  // the entry charges the prompt's tokens (gpt-image-1)
    std::string reported_size_;
    std::string reported_quality_;
    std::optional<ReportedUsage> usage_;
};

}  // namespace creditgate
