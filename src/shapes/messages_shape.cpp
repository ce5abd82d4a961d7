#include "creditgate/shapes/messages_shape.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "creditgate/pricing/messages_quote.hpp"
#include "creditgate/shapes/anthropic_errors.hpp"
#include "creditgate/shapes/usage_cost.hpp"

namespace creditgate {

namespace {

using nlohmann::json;

std::int64_t string_bytes(const json& object, const char* field) {
    const auto it = object.find(field);
    return it != object.end() && it->is_string()
               ? static_cast<std::int64_t>(it->get_ref<const std::string&>().size())
               : 0;
}

// What a content_block_delta adds to the output: text, thinking, or tool input JSON.
std::int64_t delta_bytes(const json& delta) {
    if (!delta.is_object()) return 0;
    return string_bytes(delta, "text") + string_bytes(delta, "thinking") +
           string_bytes(delta, "partial_json");
}

// The output of a whole message: the same fields as the deltas of a stream carry, so streamed
// and not cost the same when usage is missing.
std::int64_t message_output_bytes(const json& message) {
    const auto content = message.find("content");
    if (content == message.end() || !content->is_array()) return 0;
    std::int64_t total = 0;
    for (const auto& block : *content) {
        if (!block.is_object()) continue;
        total += string_bytes(block, "text") + string_bytes(block, "thinking");
        if (const auto input = block.find("input"); input != block.end()) {
            total += static_cast<std::int64_t>(
                input->dump(-1, ' ', false, json::error_handler_t::replace).size());
        }
    }
    return total;
}

std::string_view event_type(const json& data, const SseEvent& event) {
    if (const auto type = data.find("type"); type != data.end() && type->is_string()) {
        return type->get_ref<const std::string&>();
    }
    return event.name;
}

}  // namespace

std::optional<ApiError> MessagesShape::parse(std::string_view body) {
    auto parsed = parse_messages_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<MessagesRequest>(parsed));
    return std::nullopt;
}

RequestBounds MessagesShape::bounds(const ModelConfig& model) const {
    // Thinking is inside max_tokens: the output bound is max_tokens, capped by the model's.
    return {messages_prompt_tokens_bound(request_.body),
            std::min(request_.max_tokens, model.max_output_tokens)};
}

std::string MessagesShape::upstream_body(const ModelConfig& model) {
    request_.body["model"] = model.upstream_model;
    return request_.body.dump();
}

void MessagesShape::take_usage(const json& usage) {
    const auto reported = anthropic_usage_from_json(usage);
    if (!reported) return;
    if (anthropic_usage_) {
        anthropic_usage_->replace_with(*reported);
    } else {
        anthropic_usage_ = *reported;
    }
    usage_ = anthropic_usage_->to_reported();
}

EventVerdict MessagesShape::inspect_event(SseEvent& event) {
    EventVerdict verdict;
    if (event.data.empty()) return verdict;  // a comment or keep-alive: relayed as is
    const json data = json::parse(event.data, nullptr, /*allow_exceptions=*/false);
    if (!data.is_object()) return verdict;
    const std::string_view type = event_type(data, event);
    if (type == "content_block_delta") {
        if (const auto delta = data.find("delta"); delta != data.end()) {
            output_bytes_ += delta_bytes(*delta);
        }
    } else if (type == "message_start") {
        const auto message = data.find("message");
        if (message != data.end() && message->is_object()) {
            if (const auto usage = message->find("usage"); usage != message->end()) {
                take_usage(*usage);
            }
        }
    } else if (type == "message_delta") {
        if (const auto usage = data.find("usage"); usage != data.end()) take_usage(*usage);
        verdict.starts_tail = true;  // the usage-final event
    } else if (type == "message_stop") {
        verdict.starts_tail = true;
        verdict.ends_stream = true;
    }
    return verdict;
}

void MessagesShape::inspect_body(std::string_view body) {
    const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) {
        output_bytes_ = static_cast<std::int64_t>(body.size());
        return;
    }
    if (const auto usage = parsed.find("usage"); usage != parsed.end()) take_usage(*usage);
    output_bytes_ = message_output_bytes(parsed);
}

std::string MessagesShape::error_body(const ApiError& error) const {
    return anthropic_error_body(error);
}

std::string MessagesShape::error_event(const ApiError& error) const {
    return "event: error\ndata: " + anthropic_error_body(error) + "\n\n";
}

const char* MessagesShape::extra_request_id_header() const {
    return kAnthropicRequestIdHeader;
}

void MessagesShape::add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) {
    const auto data = json::parse(event.data, nullptr, false);
    if (data.is_discarded() || event_type(data, event) != "message_delta") return;
    std::string text = event.data;
    if (add_usage_cost(text, "/usage", cost.total)) replace_event_data(event, std::move(text));
}

}  // namespace creditgate
