#pragma once
// Usage of the Anthropic Messages API, and its conversion to the OpenAI-shaped counts the
// pricing uses. Anthropic's input_tokens leave the cache out:
//   prompt = input + cache_read + cache_creation, cached = cache_read,
//   cache_write = cache_creation, completion = output.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "creditgate/usage/openai_usage.hpp"

namespace creditgate {

// The fields as Anthropic sent them; absent stays absent (never 0 for "unknown").
struct AnthropicUsage {
    std::optional<std::int64_t> input_tokens;
    std::optional<std::int64_t> cache_creation_input_tokens;
    std::optional<std::int64_t> cache_read_input_tokens;
    std::optional<std::int64_t> output_tokens;
    // cache_creation.ephemeral_1h_input_tokens: the part of cache_creation_input_tokens written
    // with a 1-hour TTL, dearer than the 5-minute writes the cache_write price is for.
    std::optional<std::int64_t> cache_creation_1h_tokens;
    std::string raw;  // the usage object, serialized

    // message_start and message_delta both carry usage, and the counts are cumulative: every
    // field `later` has replaces this one's (never a sum); fields it lacks stay.
    void replace_with(const AnthropicUsage& later);

    // nullopt when no input_tokens were reported (or a sum overflows): not usage we can bill.
    // Absent cache fields count 0, absent output leaves completion absent.
    ReportedUsage to_reported() const;
};

// From an Anthropic "usage" object; nullopt when it is not an object. Non-integer or negative
// counts are treated as absent.
std::optional<AnthropicUsage> anthropic_usage_from_json(const nlohmann::json& usage);

}  // namespace creditgate
