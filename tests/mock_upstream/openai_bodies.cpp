#include "openai_bodies.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include <nlohmann/json.hpp>

namespace creditgate::mock {

namespace {

constexpr std::string_view kSystemFingerprint = R"("system_fingerprint":"fp_mock")";

std::string json_or_null(const std::optional<std::string>& text) {
    return text ? json_string(*text) : std::string("null");
}

}  // namespace

CompletionIdentity new_completion_identity(std::string model) {
    // The pid keeps ids distinct across the several mocks a test run may start.
    static const std::string id_prefix = "chatcmpl-mock" + std::to_string(::getpid()) + "x";
    static std::atomic<std::uint64_t> next_id{1};

    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return CompletionIdentity{
        .id = id_prefix + std::to_string(next_id.fetch_add(1, std::memory_order_relaxed)),
        .created_s = std::chrono::duration_cast<std::chrono::seconds>(now).count(),
        .model = std::move(model),
    };
}

std::string json_string(std::string_view text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string usage_json(const Usage& usage) {
    std::string out;
    out.reserve(320);
    out += R"({"prompt_tokens":)";
    out += std::to_string(usage.prompt_tokens);
    out += R"(,"completion_tokens":)";
    out += std::to_string(usage.completion_tokens);
    out += R"(,"total_tokens":)";
    out += std::to_string(usage.prompt_tokens + usage.completion_tokens);
    out += R"(,"prompt_tokens_details":{"cached_tokens":)";
    out += std::to_string(usage.cached_tokens);
    out += R"(,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":)";
    out += std::to_string(usage.reasoning_tokens);
    out += R"(,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})";
    return out;
}

std::string completion_body(const CompletionIdentity& identity, std::string_view content,
                            const std::optional<Usage>& usage) {
    std::string out;
    out.reserve(768);
    out += R"({"id":)";
    out += json_string(identity.id);
    out += R"(,"object":"chat.completion","created":)";
    out += std::to_string(identity.created_s);
    out += R"(,"model":)";
    out += json_string(identity.model);
    out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
    out += json_string(content);
    out += R"(,"refusal":null},"logprobs":null,"finish_reason":"stop"}],)";
    if (usage) {
        out += R"("usage":)";
        out += usage_json(*usage);
        out += ',';
    }
    out += kSystemFingerprint;
    out += '}';
    return out;
}

ChunkFormatter::ChunkFormatter(const CompletionIdentity& identity, bool usage_null)
    : usage_null_(usage_null) {
    prefix_ = R"(data: {"id":)";
    prefix_ += json_string(identity.id);
    prefix_ += R"(,"object":"chat.completion.chunk","created":)";
    prefix_ += std::to_string(identity.created_s);
    prefix_ += R"(,"model":)";
    prefix_ += json_string(identity.model);
    prefix_ += ',';
    prefix_ += kSystemFingerprint;
    prefix_ += R"(,"choices":)";
}

std::string ChunkFormatter::role_event() const {
    return event(R"([{"index":0,"delta":{"role":"assistant","content":"","refusal":null},)"
                 R"("logprobs":null,"finish_reason":null}])",
                 usage_null_ ? R"(,"usage":null})" : "}");
}

std::string ChunkFormatter::content_event(std::string_view content) const {
    std::string choices = R"([{"index":0,"delta":{"content":)";
    choices += json_string(content);
    choices += R"(},"logprobs":null,"finish_reason":null}])";
    return event(choices, usage_null_ ? R"(,"usage":null})" : "}");
}

std::string ChunkFormatter::finish_event() const {
    return event(R"([{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}])",
                 usage_null_ ? R"(,"usage":null})" : "}");
}

std::string ChunkFormatter::usage_event(const Usage& usage) const {
    return event("[]", R"(,"usage":)" + usage_json(usage) + "}");
}

std::string ChunkFormatter::done_event() {
    return "data: [DONE]\n\n";
}

std::string ChunkFormatter::error_event(std::string_view message) {
    return "data: " + error_body(message, "server_error", std::nullopt, "mock_stream_error") +
           "\n\n";
}

std::string ChunkFormatter::event(std::string_view choices, std::string_view tail) const {
    std::string out;
    out.reserve(prefix_.size() + choices.size() + tail.size() + 2);
    out += prefix_;
    out += choices;
    out += tail;
    out += "\n\n";
    return out;
}

std::string error_body(std::string_view message, std::string_view type,
                       const std::optional<std::string>& param,
                       const std::optional<std::string>& code) {
    std::string out = R"({"error":{"message":)";
    out += json_string(message);
    out += R"(,"type":)";
    out += json_string(type);
    out += R"(,"param":)";
    out += json_or_null(param);
    out += R"(,"code":)";
    out += json_or_null(code);
    out += "}}";
    return out;
}

}  // namespace creditgate::mock
