#include "creditgate/usage/anthropic_usage.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "count_field.hpp"

namespace creditgate {

namespace {

using nlohmann::json;
using usage_detail::count_field;

void replace_if_present(std::optional<std::int64_t>& into,
                        const std::optional<std::int64_t>& later) {
    if (later) into = later;
}

// dump() recurses; a usage object nested deeper than this is not worth a stack overflow.
bool nested_within(const json& value, int levels) {
    if (!value.is_structured()) return true;
    if (levels == 0) return false;
    for (const auto& child : value) {
        if (!nested_within(child, levels - 1)) return false;
    }
    return true;
}

bool add_checked(std::int64_t& sum, std::int64_t part) {
    if (sum > std::numeric_limits<std::int64_t>::max() - part) return false;
    sum += part;
    return true;
}

}  // namespace

void AnthropicUsage::replace_with(const AnthropicUsage& later) {
    replace_if_present(input_tokens, later.input_tokens);
    replace_if_present(cache_creation_input_tokens, later.cache_creation_input_tokens);
    replace_if_present(cache_read_input_tokens, later.cache_read_input_tokens);
    replace_if_present(output_tokens, later.output_tokens);
    replace_if_present(cache_creation_1h_tokens, later.cache_creation_1h_tokens);
    if (!later.raw.empty()) raw = later.raw;
}

ReportedUsage AnthropicUsage::to_reported() const {
    ReportedUsage reported;
    reported.raw = raw;
    reported.completion_tokens = output_tokens;
    const std::int64_t cache_read = cache_read_input_tokens.value_or(0);
    const std::int64_t cache_write = cache_creation_input_tokens.value_or(0);
    reported.cached_tokens = cache_read;
    reported.cache_write_tokens = cache_write;
    if (cache_creation_1h_tokens) {
        // Inside the cache writes; more would be inconsistent: at most all of them.
        reported.cache_write_1h_tokens = std::min(*cache_creation_1h_tokens, cache_write);
    }
    if (input_tokens) {
        std::int64_t prompt = *input_tokens;
        if (add_checked(prompt, cache_read) && add_checked(prompt, cache_write)) {
            reported.prompt_tokens = prompt;
        }
    }
    return reported;
}

std::optional<AnthropicUsage> anthropic_usage_from_json(const json& usage) {
    if (!usage.is_object()) return std::nullopt;
    AnthropicUsage out;
    out.input_tokens = count_field(usage, "input_tokens");
    out.cache_creation_input_tokens = count_field(usage, "cache_creation_input_tokens");
    out.cache_read_input_tokens = count_field(usage, "cache_read_input_tokens");
    out.output_tokens = count_field(usage, "output_tokens");
    if (const auto split = usage.find("cache_creation");
        split != usage.end() && split->is_object()) {
        out.cache_creation_1h_tokens = count_field(*split, "ephemeral_1h_input_tokens");
    }
    if (nested_within(usage, 32))
        out.raw = usage.dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
}

}  // namespace creditgate
