#include "creditgate/shapes/responses_request.hpp"

#include <algorithm>

#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

namespace {

std::optional<ApiError> refuse_unseen_prompt(const nlohmann::json& body) {
    for (const char* field : {"previous_response_id", "conversation", "prompt"}) {
        if (auto it = body.find(field); it != body.end() && !it->is_null()) {
            return invalid_field(std::string("'") + field +
                                     "' is not available through this gateway: it adds text "
                                     "stored at the provider, which cannot be priced before "
                                     "the call. Send the whole input instead.",
                                 field);
        }
    }
    bool background = false;
    if (auto error = read_bool(body, "background", background)) return error;
    if (background) {
        return invalid_field(
            "'background' responses are not available through this gateway: they finish after "
            "the request, where they cannot be metered.",
            "background");
    }
    return std::nullopt;
}

std::optional<ApiError> check_input(const nlohmann::json& body) {
    auto input = body.find("input");
    if (input == body.end() || input->is_null()) {
        return invalid_field("Missing required parameter: 'input'.", "input");
    }
    if (input->is_string()) return std::nullopt;
    if (!input->is_array() || input->empty()) {
        return invalid_field("'input' must be a string or a non-empty array of items.", "input");
    }
    for (std::size_t i = 0; i < input->size(); ++i) {
        const auto& item = (*input)[i];
        const std::string param = "input[" + std::to_string(i) + "]";
        if (!item.is_object()) return invalid_field("Each input item must be an object.", param);
        if (auto type = item.find("type"); type != item.end() && *type == "item_reference") {
            return invalid_field(
                "Item references are not available through this gateway: the item is stored at "
                "the provider. Send the item itself.",
                param);
        }
    }
    return std::nullopt;
}

std::optional<ApiError> check_tools(const nlohmann::json& body) {
    auto tools = body.find("tools");
    if (tools == body.end() || tools->is_null()) return std::nullopt;
    if (!tools->is_array()) return invalid_field("'tools' must be an array.", "tools");
    for (std::size_t i = 0; i < tools->size(); ++i) {
        const auto& tool = (*tools)[i];
        const auto type = tool.is_object() ? tool.find("type") : tool.end();
        if (!tool.is_object() || type == tool.end() || (*type != "function" && *type != "custom")) {
            return invalid_field(
                "Only 'function' and 'custom' tools are available through this gateway: hosted "
                "tools are billed per call at prices it does not know.",
                "tools[" + std::to_string(i) + "].type");
        }
    }
    return std::nullopt;
}

}  // namespace

std::variant<ResponsesRequest, ApiError> parse_responses_request(std::string_view text) {
    ResponsesRequest request;
    auto parsed = parse_json_object(text);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request.body = std::move(std::get<nlohmann::json>(parsed));
    const auto& body = request.body;
    if (auto error = read_model(body, request.model)) return *error;
    if (auto error = refuse_unseen_prompt(body)) return *error;
    if (auto error = check_input(body)) return *error;
    if (auto it = body.find("instructions");
        it != body.end() && !it->is_null() && !it->is_string()) {
        return invalid_field("'instructions' must be a string.", "instructions");
    }
    if (auto error = check_tools(body)) return *error;
    if (auto it = body.find("reasoning"); it != body.end() && !it->is_null() && !it->is_object()) {
        return invalid_field("'reasoning' must be an object.", "reasoning");
    }
    if (auto error = read_bool(body, "stream", request.stream)) return *error;
    if (auto error = read_service_tier(body, request.service_tier)) return *error;
    if (auto error = read_positive(body, "max_output_tokens", request.max_output_tokens)) {
        return *error;
    }
    return request;
}

std::int64_t responses_output_bound(const ResponsesRequest& request, const ModelConfig& model) {
    return std::min(request.max_output_tokens.value_or(model.max_output_tokens),
                    model.max_output_tokens);
}

}  // namespace creditgate
