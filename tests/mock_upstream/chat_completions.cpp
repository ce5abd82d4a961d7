#include "chat_completions.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

constexpr std::string_view kHelloText = "Hello from the mock upstream.";
constexpr std::array<std::string_view, 7> kHelloPieces = {"Hello", " from",  " the", " mock",
                                                          " up",   "stream", "."};
constexpr std::string_view kTokPiece = "tok ";
constexpr std::size_t kCutoffContentChunks = 3;
constexpr std::size_t kStreamErrorContentChunks = 1;  // "Hello"
constexpr std::size_t kStreamErrorMessageBytes = 2048;

constexpr Usage kFixedUsage{.prompt_tokens = 12, .completion_tokens = 7, .cached_tokens = 0};
constexpr Usage kCachedUsage{.prompt_tokens = 100, .completion_tokens = 7, .cached_tokens = 60};

constexpr std::uint64_t kDefaultSlowChunks = 50;
constexpr std::uint64_t kDefaultSlowDelayMs = 200;
constexpr std::uint64_t kMaxChunks = 100'000;
constexpr std::uint64_t kMaxDelayMs = 600'000;

enum class Behaviour {
    fixed,
    cached,
    no_usage,
    slow_stream,
    cutoff,
    error,
    hang,
    usage_from_header,
    stream_error,  // streamed: role, one content chunk, then an error event; then the stream ends
    drop_reused,   // as fixed, but a request on a reused connection is read and the connection
                   // closed
};

struct ModelRoute {
    Behaviour behaviour = Behaviour::fixed;
    unsigned error_status = 0;
};

struct ChatRequest {
    std::string model;
    bool stream = false;
    bool include_usage = false;
};

// What a request asked for through its x-mock-* headers, already validated.
struct MockHeaders {
    std::optional<std::uint64_t> chunks;
    std::uint64_t delay_ms = kDefaultSlowDelayMs;
    std::uint64_t first_delay_ms = 0;  // before the first event: a provider slow to start
    std::optional<Usage> usage;
};

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

ModelRoute route_model(std::string_view model) {
    if (model == "mock-cached") return {Behaviour::cached};
    if (model == "mock-no-usage") return {Behaviour::no_usage};
    if (model == "mock-slow-stream") return {Behaviour::slow_stream};
    if (model == "mock-cutoff") return {Behaviour::cutoff};
    if (model == "mock-hang") return {Behaviour::hang};
    if (model == "mock-usage-from-header") return {Behaviour::usage_from_header};
    if (model == "mock-stream-error") return {Behaviour::stream_error};
    if (model == "mock-drop-reused") return {Behaviour::drop_reused};
    constexpr std::string_view kErrorPrefix = "mock-error-";
    if (model.starts_with(kErrorPrefix)) {
        const auto status = parse_decimal(model.substr(kErrorPrefix.size()), 599);
        if (status && *status >= 400) {
            return {Behaviour::error, static_cast<unsigned>(*status)};
        }
    }
    return {Behaviour::fixed};  // mock-fixed and every model not listed above
}

// Returns an error message when the body is not a chat completions request.
std::optional<std::string> parse_chat_request(const std::string& body, ChatRequest& out) {
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        return "We could not parse the JSON body of your request. (HINT: This likely means you "
               "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
               "but what was sent was not valid JSON.)";
    }
    const auto model = json.find("model");
    if (model == json.end() || !model->is_string()) {
        return "you must provide a model parameter";
    }
    out.model = model->get<std::string>();
    const auto stream = json.find("stream");
    out.stream = stream != json.end() && stream->is_boolean() && stream->get<bool>();
    const auto options = json.find("stream_options");
    if (options != json.end() && options->is_object()) {
        const auto include = options->find("include_usage");
        out.include_usage =
            include != options->end() && include->is_boolean() && include->get<bool>();
    }
    return std::nullopt;
}

// Returns an error message naming the offending header.
std::optional<std::string> parse_mock_headers(const Request& request, MockHeaders& out) {
    if (const auto it = request.find("x-mock-chunks"); it != request.end()) {
        out.chunks = parse_decimal(it->value(), kMaxChunks);
        if (!out.chunks) return "x-mock-chunks: expected an integer from 0 to 100000";
    }
    if (const auto it = request.find("x-mock-delay-ms"); it != request.end()) {
        const auto delay_ms = parse_decimal(it->value(), kMaxDelayMs);
        if (!delay_ms) return "x-mock-delay-ms: expected an integer from 0 to 600000";
        out.delay_ms = *delay_ms;
    }
    if (const auto it = request.find("x-mock-first-delay-ms"); it != request.end()) {
        const auto delay_ms = parse_decimal(it->value(), kMaxDelayMs);
        if (!delay_ms) return "x-mock-first-delay-ms: expected an integer from 0 to 600000";
        out.first_delay_ms = *delay_ms;
    }
    if (const auto it = request.find("x-mock-usage"); it != request.end()) {
        const auto json = nlohmann::json::parse(std::string_view(it->value()), nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            return R"(x-mock-usage: expected {"prompt_tokens":N,"completion_tokens":N,)"
                   R"("cached_tokens":N})";
        }
        Usage usage;
        for (auto [name, field] : {std::pair{"prompt_tokens", &Usage::prompt_tokens},
                                   std::pair{"completion_tokens", &Usage::completion_tokens},
                                   std::pair{"cached_tokens", &Usage::cached_tokens}}) {
            const auto value = json.find(name);
            if (value == json.end()) continue;  // a missing count is 0
            if (!value->is_number_unsigned()) {
                return std::string("x-mock-usage.") + name + ": expected a non-negative integer";
            }
            usage.*field = value->get<std::uint64_t>();
        }
        out.usage = usage;
    }
    return std::nullopt;
}

Reply mock_error_reply(unsigned status, bool keep_alive) {
    const std::string text = std::to_string(status);
    Reply reply = openai_error_reply(status, "mock error " + text, "mock_error", std::nullopt,
                                     "mock_" + text, keep_alive);
    if (status == 429) reply.whole.set(http::field::retry_after, "1");
    return reply;
}

// Non-streamed reply with a Content-Length for the full body, of which only half is sent.
Reply truncated_reply(const std::string& body) {
    Reply reply;
    reply.kind = Reply::Kind::truncated;
    reply.raw =
        "HTTP/1.1 200 OK\r\nServer: mock_upstream\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2);
    return reply;
}

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

Reply reply_for(const ChatRequest& chat, const MockHeaders& headers, const ModelRoute& route,
                bool keep_alive);

}  // namespace

Reply chat_completions_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    ChatRequest chat;
    if (const auto error = parse_chat_request(request.body(), chat)) {
        const std::optional<std::string> param = error->starts_with("you must provide")
                                                     ? std::optional<std::string>("model")
                                                     : std::nullopt;
        return openai_error_reply(400, *error, "invalid_request_error", param, std::nullopt,
                                  keep_alive);
    }
    MockHeaders headers;
    if (const auto error = parse_mock_headers(request, headers)) {
        return openai_error_reply(400, *error, "invalid_request_error", std::nullopt, std::nullopt,
                                  keep_alive);
    }

    const ModelRoute route = route_model(chat.model);
    Reply reply = reply_for(chat, headers, route, keep_alive);
    reply.drop_if_reused = route.behaviour == Behaviour::drop_reused;
    return reply;
}

namespace {

Reply reply_for(const ChatRequest& chat, const MockHeaders& headers, const ModelRoute& route,
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
    std::optional<Usage> usage = kFixedUsage;
    if (route.behaviour == Behaviour::cached) usage = kCachedUsage;
    if (route.behaviour == Behaviour::no_usage) usage = std::nullopt;
    if (usage && tok_content) usage->completion_tokens = pieces.size();
    if (route.behaviour == Behaviour::usage_from_header && headers.usage) usage = headers.usage;

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
