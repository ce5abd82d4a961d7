#include "creditgate/shapes/chat_request.hpp"

#include <algorithm>

#include "creditgate/shapes/chunk_stream_meter.hpp"
#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

namespace {

ApiError invalid(std::string message, std::string param) {
    return invalid_field(std::move(message), std::move(param));
}

// Parameters that make the provider bill more than tokens at the model's price, and that no
// price entry can price yet: refused rather than sold at the wrong price.
std::optional<ApiError> refuse_unpriced_parameters(const nlohmann::json& body) {
    if (auto it = body.find("modalities"); it != body.end() && it->is_array()) {
        if (std::find(it->begin(), it->end(), "audio") != it->end()) {
            return invalid(
                "Audio output is not available through this gateway: 'modalities' "
                "must not contain \"audio\".",
                "modalities");
        }
    }
    if (auto it = body.find("audio"); it != body.end() && !it->is_null()) {
        return invalid("Audio output is not available through this gateway: remove 'audio'.",
                       "audio");
    }
    if (auto it = body.find("web_search_options"); it != body.end() && !it->is_null()) {
        return invalid(
            "Web search is not available through this gateway: remove "
            "'web_search_options'.",
            "web_search_options");
    }
    return std::nullopt;
}

}  // namespace

std::variant<ChatRequest, ApiError> parse_chat_request(std::string_view text) {
    ChatRequest request;
    auto parsed = parse_json_object(text);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request.body = std::move(std::get<nlohmann::json>(parsed));
    const auto& body = request.body;
    if (auto error = read_model(body, request.model)) return *error;

    auto messages = body.find("messages");
    if (messages == body.end())
        return invalid("Missing required parameter: 'messages'.", "messages");
    if (!messages->is_array() || messages->empty()) {
        return invalid("'messages' must be a non-empty array.", "messages");
    }
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& message = (*messages)[i];
        if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
            return invalid("Each message must be an object with a string 'role'.",
                           "messages[" + std::to_string(i) + "]");
        }
    }

    if (auto error = read_stream(body, request.stream, request.client_wants_usage)) return *error;
    if (auto error = read_count(body, "n", kMaxChoices, request.choices)) return *error;
    if (auto error = read_service_tier(body, request.service_tier)) return *error;
    if (auto error = refuse_unpriced_parameters(body)) return *error;
    std::optional<std::int64_t> max_tokens;
    std::optional<std::int64_t> max_completion_tokens;
    if (auto error = read_positive(body, "max_tokens", max_tokens)) return *error;
    if (auto error = read_positive(body, "max_completion_tokens", max_completion_tokens))
        return *error;
    // With both present, the provider enforces one of them: hold for the larger.
    if (max_tokens || max_completion_tokens) {
        request.max_output_tokens =
            std::max(max_tokens.value_or(0), max_completion_tokens.value_or(0));
    }
    return request;
}

std::variant<const ModelPrice*, ApiError> price_for_request(const ChatRequest& request,
                                                            const ModelConfig& model) {
    return price_for_tier(model, request.service_tier);
}

std::int64_t output_tokens_bound(const ChatRequest& request, const ModelConfig& model) {
    auto per_choice = std::min(request.max_output_tokens.value_or(model.max_output_tokens),
                               model.max_output_tokens);
    return per_choice * request.choices;  // both bounded: no overflow
}

std::string upstream_body(ChatRequest& request, const ModelConfig& model) {
    return chunk_stream_upstream_body(request.body, model, request.stream,
                                      request.client_wants_usage);
}

}  // namespace creditgate
