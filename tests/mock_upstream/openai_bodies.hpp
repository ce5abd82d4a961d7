#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// JSON text shaped exactly like OpenAI's chat completions API. Built by concatenating
// pre-serialized fixed parts, so a benchmark measures the proxy rather than the mock.
namespace creditgate::mock {

struct Usage {
    std::uint64_t prompt_tokens = 0;
    std::uint64_t completion_tokens = 0;
    std::uint64_t cached_tokens = 0;     // part of prompt_tokens, as in OpenAI's shape
    std::uint64_t reasoning_tokens = 0;  // part of completion_tokens
};

// The fields every object of one completion shares (the body, or every chunk of a stream).
struct CompletionIdentity {
    std::string id;          // "chatcmpl-mock…"
    std::int64_t created_s;  // unix seconds
    std::string model;
};

CompletionIdentity new_completion_identity(std::string model);

// A JSON string literal (quotes included) for arbitrary text.
std::string json_string(std::string_view text);

std::string usage_json(const Usage& usage);

// A "chat.completion" object; no usage key at all when usage is empty.
std::string completion_body(const CompletionIdentity& identity, std::string_view content,
                            const std::optional<Usage>& usage);

// Server-sent events of a "chat.completion.chunk" stream, each "data: {...}\n\n".
class ChunkFormatter {
  public:
    // usage_null: the client asked for stream_options.include_usage, so every chunk but the
    // usage chunk ends with "usage":null, like OpenAI.
    ChunkFormatter(const CompletionIdentity& identity, bool usage_null);

    std::string role_event() const;
    std::string content_event(std::string_view content) const;
    std::string finish_event() const;
    std::string usage_event(const Usage& usage) const;
    static std::string done_event();
    // An error reported inside a 200 stream, as OpenAI does when generation fails midway.
    static std::string error_event(std::string_view message);

  private:
    std::string event(std::string_view choices, std::string_view tail) const;

    std::string prefix_;  // "data: {"id":…,"system_fingerprint":…,"choices":"
    bool usage_null_;
};

// {"error":{"message","type","param","code"}}; an empty optional is JSON null.
std::string error_body(std::string_view message, std::string_view type,
                       const std::optional<std::string>& param,
                       const std::optional<std::string>& code);

}  // namespace creditgate::mock
