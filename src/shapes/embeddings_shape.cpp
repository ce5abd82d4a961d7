#include "creditgate/shapes/embeddings_shape.hpp"

#include "creditgate/pricing/completions_quote.hpp"
#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

std::optional<ApiError> EmbeddingsShape::parse(std::string_view body) {
    auto parsed = parse_embeddings_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<EmbeddingsRequest>(parsed));
    return std::nullopt;
}

RequestBounds EmbeddingsShape::bounds(const ModelConfig&) const {
    return {embeddings_input_tokens_bound(request_.body), 0};
}

std::variant<const ModelPrice*, ApiError> EmbeddingsShape::price(const ModelConfig& model) const {
    return price_for_tier(model, request_.service_tier);
}

std::string EmbeddingsShape::upstream_body(const ModelConfig& model) {
    request_.body["model"] = model.upstream_model;
    return request_.body.dump();
}

void EmbeddingsShape::inspect_body(std::string_view body) {
    usage_ = top_level_usage(body);
    // The reply has input tokens only ({"prompt_tokens","total_tokens"}): nothing was generated.
    if (usage_ && !usage_->completion_tokens) usage_->completion_tokens = 0;
}

}  // namespace creditgate
