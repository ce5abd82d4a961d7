#include "creditgate/shapes/responses_shape.hpp"

#include <nlohmann/json.hpp>

#include "creditgate/pricing/responses_quote.hpp"
#include "creditgate/shapes/request_fields.hpp"
#include "creditgate/shapes/usage_cost.hpp"
#include "creditgate/usage/responses_usage.hpp"

namespace creditgate {

std::optional<ApiError> ResponsesShape::parse(std::string_view body) {
    auto parsed = parse_responses_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<ResponsesRequest>(parsed));
    return std::nullopt;
}

RequestBounds ResponsesShape::bounds(const ModelConfig& model) const {
    return {responses_prompt_tokens_bound(request_.body), responses_output_bound(request_, model)};
}

std::variant<const ModelPrice*, ApiError> ResponsesShape::price(const ModelConfig& model) const {
    return price_for_tier(model, request_.service_tier);
}

// Usage always comes in the final event: nothing to inject.
std::string ResponsesShape::upstream_body(const ModelConfig& model) {
    request_.body["model"] = model.upstream_model;
    return request_.body.dump();
}

EventVerdict ResponsesShape::inspect_event(SseEvent& event) {
    auto view = inspect_responses_event(event.name, event.data);
    output_bytes_ += view.output_bytes;
    EventVerdict verdict;
    if (!view.is_final) return verdict;
    // One response, one final event: a repeated one replaces nothing with a sum (max per field).
    if (view.usage) {
        if (usage_) {
            merge_usage(*usage_, *view.usage);
        } else {
            usage_ = std::move(view.usage);
        }
    }
    verdict.starts_tail = true;
    verdict.ends_stream = true;
    return verdict;
}

void ResponsesShape::inspect_body(std::string_view body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        output_bytes_ = static_cast<std::int64_t>(body.size());
        return;
    }
    usage_ = responses_usage_from_json(parsed);
    output_bytes_ = responses_output_bytes(parsed);
}

void ResponsesShape::add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) {
    if (!inspect_responses_event(event.name, event.data).is_final) return;
    std::string data = event.data;
    if (add_usage_cost(data, "/response/usage", cost.total)) {
        replace_event_data(event, std::move(data));
    }
}

}  // namespace creditgate
