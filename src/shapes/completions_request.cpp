#include "creditgate/shapes/completions_request.hpp"

#include <algorithm>

#include "creditgate/shapes/chat_request.hpp"
#include "creditgate/shapes/chunk_stream_meter.hpp"
#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

namespace {

// One prompt (a string or a token array) or an array of them.
std::int64_t count_prompts(const nlohmann::json& prompt) {
    if (prompt.is_string() || prompt.empty() || !prompt.is_array()) return 1;
    const auto& first = prompt.front();
    if (first.is_number_integer()) return 1;  // one token array
    return static_cast<std::int64_t>(prompt.size());
}

}  // namespace

std::variant<CompletionsRequest, ApiError> parse_completions_request(std::string_view text) {
    CompletionsRequest request;
    auto parsed = parse_json_object(text);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request.body = std::move(std::get<nlohmann::json>(parsed));
    const auto& body = request.body;
    if (auto error = read_model(body, request.model)) return *error;
    if (auto error = check_text_or_tokens(body, "prompt")) return *error;
    request.prompts = count_prompts(body["prompt"]);
    if (auto it = body.find("suffix"); it != body.end() && !it->is_null() && !it->is_string()) {
        return invalid_field("'suffix' must be a string.", "suffix");
    }
    bool echo = false;
    if (auto error = read_bool(body, "echo", echo)) return *error;
    if (auto error = read_stream(body, request.stream, request.client_wants_usage)) return *error;
    if (auto error = read_count(body, "n", kMaxChoices, request.choices)) return *error;
    if (auto error = read_count(body, "best_of", kMaxChoices, request.best_of)) return *error;
    if (auto error = read_service_tier(body, request.service_tier)) return *error;
    if (auto error = read_positive(body, "max_tokens", request.max_tokens)) return *error;
    return request;
}

std::int64_t completions_output_bound(const CompletionsRequest& request, const ModelConfig& model) {
    const auto per_completion =
        std::min(request.max_tokens.value_or(kDefaultCompletionMaxTokens), model.max_output_tokens);
    // Each factor is bounded (the model's limit, 128, the prompts of a bounded body): no overflow.
    return per_completion * std::max(request.choices, request.best_of) * request.prompts;
}

std::string completions_upstream_body(CompletionsRequest& request, const ModelConfig& model) {
    if (!request.max_tokens) request.body["max_tokens"] = kDefaultCompletionMaxTokens;
    return chunk_stream_upstream_body(request.body, model, request.stream,
                                      request.client_wants_usage);
}

}  // namespace creditgate
