#include "chat_completions.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_behaviour.hpp"
#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

constexpr std::string_view kHelloText = "Hello from the mock upstream.";
constexpr std::array<std::string_view, 7> kHelloPieces = {"Hello", " from",  " the", " mock",
                                                          " up",   "stream", "."};
constexpr std::string_view kTokPiece = "tok ";
constexpr std::size_t kStreamErrorContentChunks = 1;  // "Hello"
constexpr std::size_t kStreamErrorMessageBytes = 2048;

std::vector<std::string_view> tok_pieces(std::uint64_t count) {
    return std::vector<std::string_view>(count, kTokPiece);
}

// kStreamErrorMessageBytes of text, like a provider's long error message.
std::string stream_error_message() {
    std::string message;
    while (message.size() < kStreamErrorMessageBytes) message += "mock stream error. ";
    message.resize(kStreamErrorMessageBytes);
    return message;
}

Reply reply_for(const MockRequest& chat, const MockHeaders& headers, const ModelRoute& route,
                bool keep_alive);

}  // namespace

Reply chat_completions_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    MockRequest chat;
    MockHeaders headers;
    if (auto error = read_mock_request(request, chat, headers)) return std::move(*error);

    const ModelRoute route = route_model(chat.model);
    Reply reply = reply_for(chat, headers, route, keep_alive);
    reply.drop_if_reused = route.behaviour == Behaviour::drop_reused;
    return reply;
}

namespace {

Reply reply_for(const MockRequest& chat, const MockHeaders& headers, const ModelRoute& route,
                bool keep_alive) {
    if (route.behaviour == Behaviour::error)
        return mock_error_reply(route.error_status, keep_alive);
    if (route.behaviour == Behaviour::hang) return hang_reply();

    // The content, and whether the stream is paced.
    const bool slow = route.behaviour == Behaviour::slow_stream;
    const bool stream = chat.stream || slow;  // mock-slow-stream always answers as a stream
    std::vector<std::string_view> pieces(kHelloPieces.begin(), kHelloPieces.end());
    const bool tok_content = slow || (stream && headers.chunks);
    if (tok_content) {
        pieces = tok_pieces(headers.chunks.value_or(kDefaultSlowChunks));
    } else if (route.behaviour == Behaviour::cutoff && stream) {
        pieces.resize(kCutoffContentChunks);
    } else if (route.behaviour == Behaviour::stream_error && stream) {
        pieces.resize(kStreamErrorContentChunks);
    }
    const auto delay = std::chrono::milliseconds(slow ? headers.delay_ms : 0);

    // The usage the reply reports, if any.
    std::optional<Usage> usage = route_usage(route, headers);
    const bool header_usage = route.behaviour == Behaviour::usage_from_header && headers.usage;
    if (usage && tok_content && !header_usage) usage->completion_tokens = pieces.size();

    const CompletionIdentity identity = new_completion_identity(chat.model);
    if (!stream) {
        const std::string body = completion_body(identity, kHelloText, usage);
        if (route.behaviour == Behaviour::cutoff) return truncated_reply(body);
        return json_reply(200, body, keep_alive);
    }

    const bool usage_chunk = chat.include_usage && usage.has_value();
    const ChunkFormatter chunks(identity, usage_chunk);
    std::vector<StreamEvent> events;
    events.reserve(pieces.size() + 4);
    events.push_back({chunks.role_event(), std::chrono::milliseconds(headers.first_delay_ms)});
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        events.push_back(
            {chunks.content_event(pieces[i]), i == 0 ? std::chrono::milliseconds(0) : delay});
    }
    if (route.behaviour == Behaviour::cutoff) {
        Reply reply = stream_reply(std::move(events), keep_alive);
        reply.close_after_events = true;
        return reply;
    }
    if (route.behaviour == Behaviour::stream_error) {
        // No finish, usage or [DONE]: the provider gave up after the error event.
        events.push_back(
            {ChunkFormatter::error_event(stream_error_message()), std::chrono::milliseconds(0)});
        return stream_reply(std::move(events), keep_alive);
    }
    events.push_back({chunks.finish_event(), std::chrono::milliseconds(0)});
    if (usage_chunk) events.push_back({chunks.usage_event(*usage), std::chrono::milliseconds(0)});
    events.push_back({ChunkFormatter::done_event(), std::chrono::milliseconds(0)});
    return stream_reply(std::move(events), keep_alive);
}

}  // namespace

}  // namespace creditgate::mock
