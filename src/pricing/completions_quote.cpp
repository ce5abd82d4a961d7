#include "creditgate/pricing/completions_quote.hpp"

#include <nlohmann/json.hpp>

#include "byte_bounds.hpp"

namespace creditgate {

namespace {

using json = nlohmann::json;
using bounds_detail::saturating_add;
using bounds_detail::serialized_bytes;
using bounds_detail::text_bytes;
using bounds_detail::to_count;

bool is_token_array(const json& value) {
    if (!value.is_array() || value.empty()) return false;
    for (const auto& token : value) {
        if (!token.is_number_integer()) return false;
    }
    return true;
}

// One prompt: a string or one token array.
std::int64_t one_prompt_bound(const json& prompt) {
    const std::int64_t tokens =
        is_token_array(prompt) ? to_count(prompt.size()) : text_bytes(prompt);
    return saturating_add(tokens, kTokensPerPromptAllowance);
}

std::int64_t field_bound(const json& request, const char* field) {
    if (!request.is_object()) return serialized_bytes(request);
    const auto it = request.find(field);
    return it == request.end() || it->is_null() ? 0 : text_or_tokens_bound(*it);
}

}  // namespace

std::int64_t text_or_tokens_bound(const json& prompt) {
    if (!prompt.is_array() || is_token_array(prompt)) return one_prompt_bound(prompt);
    std::int64_t total = 0;
    for (const auto& one : prompt) total = saturating_add(total, one_prompt_bound(one));
    return total;
}

std::int64_t completions_prompt_tokens_bound(const json& request) {
    std::int64_t total = field_bound(request, "prompt");
    if (request.is_object()) {
        const auto suffix = request.find("suffix");
        if (suffix != request.end() && !suffix->is_null()) {
            total = saturating_add(total, text_bytes(*suffix));
        }
    }
    return total;
}

std::int64_t embeddings_input_tokens_bound(const json& request) {
    return field_bound(request, "input");
}

}  // namespace creditgate
