#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mock_state.hpp"
#include "openai_bodies.hpp"
#include "reply.hpp"

// What every mock endpoint shares: the behaviour a request's model and x-mock-* headers choose
// (README.md), and the replies that do not depend on the API shape.
namespace creditgate::mock {

inline constexpr Usage kFixedUsage{.prompt_tokens = 12, .completion_tokens = 7};
inline constexpr Usage kCachedUsage{
    .prompt_tokens = 100, .completion_tokens = 7, .cached_tokens = 60};
// 30 output tokens of which 20 reasoning: reasoning tokens are inside the completion.
inline constexpr Usage kReasoningUsage{
    .prompt_tokens = 12, .completion_tokens = 30, .reasoning_tokens = 20};

inline constexpr std::uint64_t kDefaultSlowChunks = 50;
inline constexpr std::uint64_t kDefaultSlowDelayMs = 200;
inline constexpr std::size_t kCutoffContentChunks = 3;

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
    reasoning,     // as fixed, with kReasoningUsage
    failed,        // Responses: the stream ends with response.failed (with usage)
    incomplete,    // Responses: the stream ends with response.incomplete (with usage)
};

struct ModelRoute {
    Behaviour behaviour = Behaviour::fixed;
    unsigned error_status = 0;
};

ModelRoute route_model(std::string_view model);

// The fields of a request body every endpoint reads.
struct MockRequest {
    nlohmann::json body;
    std::string model;
    bool stream = false;
    bool include_usage = false;  // stream_options.include_usage
};

// What a request asked for through its x-mock-* headers, already validated.
struct MockHeaders {
    std::optional<std::uint64_t> chunks;
    std::uint64_t delay_ms = kDefaultSlowDelayMs;
    std::uint64_t first_delay_ms = 0;  // before the first event: a provider slow to start
    std::optional<Usage> usage;
};

// Reads the body and the x-mock-* headers; a bad one is the 400 reply to send instead.
std::optional<Reply> read_mock_request(const Request& request, MockRequest& out,
                                       MockHeaders& headers);

// The usage a reply reports for this route (nullopt: none), before any x-mock-chunks change.
std::optional<Usage> route_usage(const ModelRoute& route, const MockHeaders& headers);

Reply mock_error_reply(unsigned status, bool keep_alive);

// Non-streamed reply with a Content-Length for the full body, of which only half is sent.
Reply truncated_reply(const std::string& body);

}  // namespace creditgate::mock
