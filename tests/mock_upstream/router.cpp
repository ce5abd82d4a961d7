#include "router.hpp"

#include <atomic>
#include <string>
#include <string_view>

#include "anthropic_messages.hpp"
#include "chat_completions.hpp"
#include "completions.hpp"
#include "embeddings.hpp"
#include "images_generations.hpp"
#include "responses.hpp"

namespace creditgate::mock {

namespace {

std::string next_request_id() {
    static std::atomic<std::uint64_t> next{1};
    return "req_mock" + std::to_string(next.fetch_add(1, std::memory_order_relaxed));
}

Reply not_found(const Request& request) {
    // Same wording as OpenAI's reply to an unknown URL.
    const std::string message = "Invalid URL (" + std::string(request.method_string()) + " " +
                                std::string(request.target()) + ")";
    return openai_error_reply(404, message, "invalid_request_error", std::nullopt, std::nullopt,
                              request.keep_alive());
}

Reply route_openai(const Request& request, std::string_view path) {
    if (request.method() != http::verb::post) return not_found(request);
    if (path == "/v1/chat/completions") return chat_completions_reply(request);
    if (path == "/v1/completions") return completions_reply(request);
    if (path == "/v1/embeddings") return embeddings_reply(request);
    if (path == "/v1/responses") return responses_reply(request);
    if (path == "/v1/images/generations") return images_generations_reply(request);
    if (path == "/v1/messages") return anthropic_messages_reply(request);
    return not_found(request);
}

Reply route_inspection(const Request& request, std::string_view path, MockState& state) {
    const bool keep_alive = request.keep_alive();
    if (path == "/__mock/requests" && request.method() == http::verb::get) {
        return json_reply(200, state.requests.to_json_text(), keep_alive);
    }
    if (path == "/__mock/requests" && request.method() == http::verb::delete_) {
        const std::size_t cleared = state.requests.clear();
        return json_reply(200, R"({"cleared":)" + std::to_string(cleared) + "}", keep_alive);
    }
    if (path == "/__mock/stats" && request.method() == http::verb::get) {
        return json_reply(200, state.stats.to_json_text(), keep_alive);
    }
    return not_found(request);
}

}  // namespace

Reply route(const Request& request, MockState& state) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (!path.starts_with("/v1/")) return route_inspection(request, path, state);

    state.stats.requests.fetch_add(1, std::memory_order_relaxed);
    state.requests.record(request);
    Reply reply = route_openai(request, path);
    const std::string request_id = next_request_id();
    if (reply.kind == Reply::Kind::whole) reply.whole.set("x-request-id", request_id);
    if (reply.kind == Reply::Kind::stream) reply.stream_head.set("x-request-id", request_id);
    return reply;
}

}  // namespace creditgate::mock
