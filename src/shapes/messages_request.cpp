#include "creditgate/shapes/messages_request.hpp"

#include <utility>
#include <vector>

namespace creditgate {

namespace {

using nlohmann::json;

ApiError invalid(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

// Server tools the provider bills per use, on top of tokens (Anthropic's type names carry a
// version suffix: "web_search_20250305").
constexpr std::string_view kPerUseToolPrefixes[] = {"web_search_", "code_execution_"};

// Looks for "cache_control" at any depth, without recursion (a client controls the nesting).
void find_cache_control(const json& body, MessagesRequest& out) {
    std::vector<const json*> pending{&body};
    while (!pending.empty()) {
        const json* value = pending.back();
        pending.pop_back();
        if (value->is_object()) {
            for (const auto& [key, member] : value->items()) {
                if (key == "cache_control" && !member.is_null()) {
                    out.writes_cache = true;
                    const auto ttl = member.is_object() ? member.find("ttl") : member.end();
                    if (member.is_object() && ttl != member.end() && *ttl != "5m") {
                        out.writes_1h_cache = true;
                    }
                }
                if (member.is_structured()) pending.push_back(&member);
            }
        } else if (value->is_array()) {
            for (const auto& element : *value) {
                if (element.is_structured()) pending.push_back(&element);
            }
        }
    }
}

std::optional<ApiError> check_messages(const json& body) {
    const auto messages = body.find("messages");
    if (messages == body.end()) {
        return invalid("Missing required parameter: 'messages'.", "messages");
    }
    if (!messages->is_array() || messages->empty()) {
        return invalid("'messages' must be a non-empty array.", "messages");
    }
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& message = (*messages)[i];
        const std::string path = "messages[" + std::to_string(i) + "]";
        if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
            return invalid("Each message must be an object with a string 'role'.", path);
        }
        const auto content = message.find("content");
        if (content == message.end() || !(content->is_string() || content->is_array())) {
            return invalid("'" + path + ".content' must be a string or an array of blocks.",
                           path + ".content");
        }
    }
    return std::nullopt;
}

std::optional<ApiError> check_tools(const json& body) {
    const auto tools = body.find("tools");
    if (tools == body.end() || tools->is_null()) return std::nullopt;
    if (!tools->is_array()) return invalid("'tools' must be an array.", "tools");
    for (std::size_t i = 0; i < tools->size(); ++i) {
        const auto& tool = (*tools)[i];
        const std::string path = "tools[" + std::to_string(i) + "]";
        if (!tool.is_object()) return invalid("Each tool must be an object.", path);
        const auto type = tool.find("type");
        if (type == tool.end() || !type->is_string()) continue;
        const std::string_view name = type->get_ref<const std::string&>();
        for (const auto prefix : kPerUseToolPrefixes) {
            if (name.starts_with(prefix)) {
                return invalid(
                    "This server tool is billed per use and is not available through this "
                    "gateway: remove it from 'tools'.",
                    path + ".type");
            }
        }
    }
    return std::nullopt;
}

std::optional<ApiError> check_thinking(const json& body, std::int64_t max_tokens) {
    const auto thinking = body.find("thinking");
    if (thinking == body.end() || thinking->is_null()) return std::nullopt;
    if (!thinking->is_object()) return invalid("'thinking' must be an object.", "thinking");
    const auto budget = thinking->find("budget_tokens");
    if (budget == thinking->end() || budget->is_null()) return std::nullopt;
    if (!budget->is_number_integer() || budget->get<std::int64_t>() < 1 ||
        budget->get<std::int64_t>() >= max_tokens) {
        return invalid(
            "'thinking.budget_tokens' must be a positive integer less than 'max_tokens' "
            "(thinking is part of the output max_tokens limits).",
            "thinking.budget_tokens");
    }
    return std::nullopt;
}

}  // namespace

std::variant<MessagesRequest, ApiError> parse_messages_request(std::string_view text) {
    MessagesRequest request;
    request.body = json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto& body = request.body;
    if (body.is_discarded()) return invalid("The request body is not valid JSON.", "");
    if (!body.is_object()) return invalid("The request body must be a JSON object.", "");

    const auto model = body.find("model");
    if (model == body.end()) return invalid("Missing required parameter: 'model'.", "model");
    if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
        return invalid("'model' must be a non-empty string.", "model");
    }
    request.model = model->get<std::string>();

    const auto max_tokens = body.find("max_tokens");
    if (max_tokens == body.end()) {
        return invalid("Missing required parameter: 'max_tokens'.", "max_tokens");
    }
    if (!max_tokens->is_number_integer() || max_tokens->get<std::int64_t>() < 1) {
        return invalid("'max_tokens' must be a positive integer.", "max_tokens");
    }
    request.max_tokens = max_tokens->get<std::int64_t>();

    if (auto error = check_messages(body)) return *error;
    if (const auto system = body.find("system"); system != body.end() && !system->is_null()) {
        if (!system->is_string() && !system->is_array()) {
            return invalid("'system' must be a string or an array of text blocks.", "system");
        }
    }
    if (const auto stream = body.find("stream"); stream != body.end() && !stream->is_null()) {
        if (!stream->is_boolean()) return invalid("'stream' must be a boolean.", "stream");
        request.stream = stream->get<bool>();
    }
    if (auto error = check_tools(body)) return *error;
    if (auto error = check_thinking(body, request.max_tokens)) return *error;
    if (const auto metadata = body.find("metadata");
        metadata != body.end() && !metadata->is_null() && !metadata->is_object()) {
        return invalid("'metadata' must be an object.", "metadata");
    }
    find_cache_control(body, request);
    return request;
}

std::variant<const ModelPrice*, ApiError> messages_price(const MessagesRequest& request,
                                                         const ModelConfig& model) {
    if (request.writes_1h_cache) {
        return invalid(
            "1-hour prompt cache writes are not sold through this gateway: use "
            "'cache_control' without a 'ttl' (5 minutes).",
            "cache_control");
    }
    if (request.writes_cache && !model.price.cache_write_nanos_per_mtok) {
        return invalid("Prompt caching writes are not priced for the model '" + model.name +
                           "': remove 'cache_control'.",
                       "cache_control");
    }
    return &model.price;
}

}  // namespace creditgate
