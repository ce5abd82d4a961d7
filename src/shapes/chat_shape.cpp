#include "creditgate/shapes/chat_shape.hpp"

#include "creditgate/pricing/chat_quote.hpp"
#include "creditgate/shapes/model_tokenizer.hpp"

namespace creditgate {

std::optional<ApiError> ChatShape::parse(std::string_view body) {
    auto parsed = parse_chat_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<ChatRequest>(parsed));
    return std::nullopt;
}

RequestBounds ChatShape::bounds(const ModelConfig& model) const {
    return {chat_prompt_tokens_bound(request_.body, model_tokenizer(model)),
            output_tokens_bound(request_, model)};
}

std::string ChatShape::upstream_body(const ModelConfig& model) {
    return creditgate::upstream_body(request_, model);
}

EventVerdict ChatShape::inspect_event(SseEvent& event) {
    return meter_.inspect_event(event, request_.client_wants_usage);
}

}  // namespace creditgate
