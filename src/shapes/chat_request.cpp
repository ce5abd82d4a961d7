#include "creditgate/shapes/chat_request.hpp"

#include <algorithm>

namespace creditgate {

namespace {

ApiError invalid(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

// A positive integer field, or an error naming it.
std::optional<ApiError> read_positive(const nlohmann::json& body, const char* field,
                                      std::optional<std::int64_t>& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
        return invalid(std::string("'") + field + "' must be a positive integer.", field);
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
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
    request.body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto& body = request.body;
    if (body.is_discarded()) return invalid("The request body is not valid JSON.", "");
    if (!body.is_object()) return invalid("The request body must be a JSON object.", "");

    auto model = body.find("model");
    if (model == body.end()) return invalid("Missing required parameter: 'model'.", "model");
    if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
        return invalid("'model' must be a non-empty string.", "model");
    }
    request.model = model->get<std::string>();

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

    if (auto it = body.find("stream"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return invalid("'stream' must be a boolean.", "stream");
        request.stream = it->get<bool>();
    }
    if (auto it = body.find("stream_options"); it != body.end() && !it->is_null()) {
        if (!it->is_object())
            return invalid("'stream_options' must be an object.", "stream_options");
        if (auto usage = it->find("include_usage"); usage != it->end() && !usage->is_null()) {
            if (!usage->is_boolean()) {
                return invalid("'stream_options.include_usage' must be a boolean.",
                               "stream_options.include_usage");
            }
            request.client_wants_usage = usage->get<bool>();
        }
    }
    if (auto it = body.find("n"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > kMaxChoices) {
            return invalid("'n' must be an integer from 1 to " + std::to_string(kMaxChoices) + ".",
                           "n");
        }
        request.choices = it->get<std::int64_t>();
    }
    if (auto it = body.find("service_tier"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) return invalid("'service_tier' must be a string.", "service_tier");
        request.service_tier = it->get<std::string>();
    }
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
    if (const ModelPrice* price = price_for(model, request.service_tier)) return price;
    std::string offered = "\"auto\", \"default\"";
    for (const auto& [tier, price] : model.service_tier_prices) offered += ", \"" + tier + "\"";
    // The tier is not echoed: it is the client's text, and the list says what would work.
    return invalid("This service_tier is not available for the model '" + model.name +
                       "'. Use one of: " + offered + ".",
                   "service_tier");
}

std::int64_t output_tokens_bound(const ChatRequest& request, const ModelConfig& model) {
    auto per_choice = std::min(request.max_output_tokens.value_or(model.max_output_tokens),
                               model.max_output_tokens);
    return per_choice * request.choices;  // both bounded: no overflow
}

std::string upstream_body(ChatRequest& request, const ModelConfig& model) {
    request.body["model"] = model.upstream_model;
    if (request.stream && !request.client_wants_usage) {
        request.body["stream_options"]["include_usage"] = true;
    }
    return request.body.dump();
}

}  // namespace creditgate
