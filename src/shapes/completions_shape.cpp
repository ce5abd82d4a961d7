#include "creditgate/shapes/completions_shape.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/pricing/completions_quote.hpp"
#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

std::optional<ApiError> CompletionsShape::parse(std::string_view body) {
    auto parsed = parse_completions_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<CompletionsRequest>(parsed));
    return std::nullopt;
}

RequestBounds CompletionsShape::bounds(const ModelConfig& model) const {
    return {completions_prompt_tokens_bound(request_.body),
            completions_output_bound(request_, model)};
}

std::variant<const ModelPrice*, ApiError> CompletionsShape::price(const ModelConfig& model) const {
    return price_for_tier(model, request_.service_tier);
}

std::string CompletionsShape::upstream_body(const ModelConfig& model) {
    return completions_upstream_body(request_, model);
}

EventVerdict CompletionsShape::inspect_event(SseEvent& event) {
    return meter_.inspect_event(event, request_.client_wants_usage);
}

}  // namespace creditgate
