#include "anthropic_messages.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace creditgate::mock {

namespace {

using nlohmann::json;

constexpr std::string_view kHelloText = "Hello from the mock upstream.";
constexpr std::array<std::string_view, 7> kHelloPieces = {"Hello", " from",  " the", " mock",
                                                          " up",   "stream", "."};
constexpr std::size_t kCutoffPieces = 3;

struct MessagesUsage {
    std::int64_t input = 12;
    std::int64_t cache_creation = 0;
    std::int64_t cache_creation_1h = 0;  // inside cache_creation
    std::int64_t cache_read = 0;
    std::int64_t output = 7;
};

enum class Behaviour { fixed, no_usage, cutoff, stream_error, error };

struct ModelRoute {
    Behaviour behaviour = Behaviour::fixed;
    MessagesUsage usage;
    unsigned error_status = 0;
};

ModelRoute route_model(std::string_view model) {
    ModelRoute route;
    if (model == "mock-cache-read") {
        route.usage = {.input = 20, .cache_read = 80};
    } else if (model == "mock-cache-write") {
        route.usage = {.input = 20, .cache_creation = 50};
    } else if (model == "mock-cache-write-1h") {
        route.usage = {.input = 20, .cache_creation = 50, .cache_creation_1h = 30};
    } else if (model == "mock-no-usage") {
        route.behaviour = Behaviour::no_usage;
    } else if (model == "mock-cutoff") {
        route.behaviour = Behaviour::cutoff;
    } else if (model == "mock-stream-error") {
        route.behaviour = Behaviour::stream_error;
    } else if (constexpr std::string_view kError = "mock-error-"; model.starts_with(kError)) {
        const std::string digits(model.substr(kError.size()));
        const unsigned status = digits.size() == 3 ? std::stoul(digits) : 0;
        if (status >= 400 && status <= 599) {
            route.behaviour = Behaviour::error;
            route.error_status = status;
        }
    }
    return route;
}

const char* error_type_for(unsigned status) {
    switch (status) {
        case 400:
            return "invalid_request_error";
        case 401:
            return "authentication_error";
        case 403:
            return "permission_error";
        case 404:
            return "not_found_error";
        case 413:
            return "request_too_large";
        case 429:
            return "rate_limit_error";
        case 529:
            return "overloaded_error";
        default:
            return "api_error";
    }
}

std::string error_json(std::string_view type, std::string_view message) {
    return json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}.dump();
}

Reply anthropic_error_reply(unsigned status, std::string_view message, bool keep_alive) {
    Reply reply = json_reply(status, error_json(error_type_for(status), message), keep_alive);
    if (status == 429) reply.whole.set(http::field::retry_after, "1");
    return reply;
}

json usage_json(const MessagesUsage& usage, std::int64_t output_tokens) {
    return {{"input_tokens", usage.input},
            {"cache_creation_input_tokens", usage.cache_creation},
            {"cache_read_input_tokens", usage.cache_read},
            {"cache_creation",
             {{"ephemeral_5m_input_tokens", usage.cache_creation - usage.cache_creation_1h},
              {"ephemeral_1h_input_tokens", usage.cache_creation_1h}}},
            {"output_tokens", output_tokens}};
}

std::string next_message_id() {
    static std::atomic<std::uint64_t> next{1};
    return "msg_mock" + std::to_string(next.fetch_add(1, std::memory_order_relaxed));
}

json message_object(const std::string& model, const json& content, const json& stop_reason) {
    return {{"id", next_message_id()}, {"type", "message"},  {"role", "assistant"},
            {"model", model},          {"content", content}, {"stop_reason", stop_reason},
            {"stop_sequence", nullptr}};
}

// "event: NAME\ndata: {...}\n\n": Anthropic names every event, and its data repeats the name.
StreamEvent sse(std::string_view name, const json& data) {
    return {"event: " + std::string(name) + "\ndata: " + data.dump() + "\n\n",
            std::chrono::milliseconds(0)};
}

std::vector<StreamEvent> stream_events(const std::string& model, const ModelRoute& route) {
    const bool usage = route.behaviour != Behaviour::no_usage;
    std::vector<StreamEvent> events;
    json start = message_object(model, json::array(), nullptr);
    // message_start reports the input and the first output token; message_delta repeats the
    // totals (cumulative): summing them would count the prompt twice.
    if (usage) start["usage"] = usage_json(route.usage, 1);
    events.push_back(sse("message_start", {{"type", "message_start"}, {"message", start}}));
    events.push_back(
        sse("content_block_start", {{"type", "content_block_start"},
                                    {"index", 0},
                                    {"content_block", {{"type", "text"}, {"text", ""}}}}));
    events.push_back(sse("ping", {{"type", "ping"}}));
    std::size_t pieces = kHelloPieces.size();
    if (route.behaviour == Behaviour::cutoff) pieces = kCutoffPieces;
    if (route.behaviour == Behaviour::stream_error) pieces = 1;
    for (std::size_t i = 0; i < pieces; ++i) {
        events.push_back(sse("content_block_delta",
                             {{"type", "content_block_delta"},
                              {"index", 0},
                              {"delta", {{"type", "text_delta"}, {"text", kHelloPieces[i]}}}}));
    }
    if (route.behaviour == Behaviour::cutoff) return events;
    if (route.behaviour == Behaviour::stream_error) {
        events.push_back(sse("error", json::parse(error_json("overloaded_error", "Overloaded"))));
        return events;
    }
    events.push_back(sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
    json delta = {{"type", "message_delta"},
                  {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}}};
    if (usage) delta["usage"] = usage_json(route.usage, route.usage.output);
    events.push_back(sse("message_delta", delta));
    // An SSE comment (as a proxy may add one): clients must ignore it.
    events.push_back({": mock comment\n\n", std::chrono::milliseconds(0)});
    events.push_back(sse("message_stop", {{"type", "message_stop"}}));
    return events;
}

Reply truncated_reply(const std::string& body) {
    Reply reply;
    reply.kind = Reply::Kind::truncated;
    reply.raw =
        "HTTP/1.1 200 OK\r\nServer: mock_upstream\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
    return reply;
}

}  // namespace

Reply anthropic_messages_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    if (request.find("x-api-key") == request.end()) {
        return anthropic_error_reply(401, "x-api-key header is required", keep_alive);
    }
    if (request.find("anthropic-version") == request.end()) {
        return anthropic_error_reply(400, "anthropic-version: header is required", keep_alive);
    }
    const json body = json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("model") || !body["model"].is_string()) {
        return anthropic_error_reply(400, "model: Field required", keep_alive);
    }
    if (!body.contains("max_tokens") || !body["max_tokens"].is_number_integer()) {
        return anthropic_error_reply(400, "max_tokens: Field required", keep_alive);
    }
    const std::string model = body["model"].get<std::string>();
    const bool stream = body.value("stream", false) == true;
    const ModelRoute route = route_model(model);
    if (route.behaviour == Behaviour::error) {
        return anthropic_error_reply(
            route.error_status, "mock error " + std::to_string(route.error_status), keep_alive);
    }
    if (stream) {
        Reply reply = stream_reply(stream_events(model, route), keep_alive);
        reply.close_after_events = route.behaviour == Behaviour::cutoff;
        return reply;
    }
    json message =
        message_object(model, json::array({{{"type", "text"}, {"text", kHelloText}}}), "end_turn");
    if (route.behaviour != Behaviour::no_usage) {
        message["usage"] = usage_json(route.usage, route.usage.output);
    }
    if (route.behaviour == Behaviour::cutoff) return truncated_reply(message.dump());
    return json_reply(200, message.dump(), keep_alive);
}

}  // namespace creditgate::mock
