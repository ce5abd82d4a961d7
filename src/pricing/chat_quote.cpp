#include "creditgate/pricing/chat_quote.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "byte_bounds.hpp"
#include "creditgate/tokenize/bpe_encoding.hpp"

namespace creditgate {

namespace {

using json = nlohmann::json;

using bounds_detail::saturating_add;
using bounds_detail::serialized_bytes;
using bounds_detail::text_bytes;
using bounds_detail::to_count;

// Text the provider tokenizes as it is (message content, role, name): counted exactly with the
// model's BPE when it has one, else its bytes.
struct TextCounter {
    const BpeEncoding* bpe = nullptr;

    std::int64_t operator()(const json& value) const {
        if (bpe == nullptr || !value.is_string()) return text_bytes(value);
        return bpe->count(value.get_ref<const std::string&>());
    }
};

std::int64_t content_part_tokens(const json& part, const TextCounter& count_text) {
    if (!part.is_object()) return serialized_bytes(part);
    const auto type = part.find("type");
    if (type == part.end() || !type->is_string()) return serialized_bytes(part);
    const std::string_view kind = type->get_ref<const std::string&>();
    if (kind == "text") {
        const auto text = part.find("text");
        if (text == part.end() || !text->is_string()) return serialized_bytes(part);
        // Parts counted apart may tokenize differently where they join: one token per part
        // covers the join (docs/pricing.md).
        if (count_text.bpe != nullptr) return saturating_add(count_text(*text), kTokensPerTextPart);
        return text_bytes(*text);
    }
    if (kind == "image_url") return kTokensPerImagePart;
    // "input_audio", "file" and any type we do not know: the whole part, serialized. Audio and
    // files arrive base64-encoded, which takes more bytes than the provider's tokens.
    return serialized_bytes(part);
}

std::int64_t content_tokens(const json& content, const TextCounter& count_text) {
    if (content.is_null()) return 0;
    if (content.is_string()) return count_text(content);
    if (!content.is_array()) return serialized_bytes(content);
    std::int64_t total = 0;
    for (const json& part : content) {
        total = saturating_add(total, content_part_tokens(part, count_text));
    }
    return total;
}

// Function names and arguments, plus the id and type strings: the template wraps each call,
// and counting those strings covers that wrapping without a per-call allowance.
std::int64_t tool_calls_bytes(const json& tool_calls) {
    if (!tool_calls.is_array()) return serialized_bytes(tool_calls);
    std::int64_t total = 0;
    for (const json& call : tool_calls) {
        if (!call.is_object()) {
            total = saturating_add(total, serialized_bytes(call));
            continue;
        }
        for (const auto& [key, value] : call.items()) {
            if (key == "function" && value.is_object()) {
                for (const auto& [fn_key, fn_value] : value.items()) {
                    total = saturating_add(total, text_bytes(fn_value));
                }
            } else {
                total = saturating_add(total, text_bytes(value));
            }
        }
    }
    return total;
}

std::int64_t message_tokens(const json& message, const TextCounter& count_text) {
    if (!message.is_object()) return serialized_bytes(message);
    std::int64_t total = 0;
    for (const auto& [key, value] : message.items()) {
        std::int64_t tokens = 0;
        if (key == "content") {
            tokens = content_tokens(value, count_text);
        } else if (key == "tool_calls") {
            tokens = tool_calls_bytes(value);
        } else if (key == "role" || key == "name" || key == "refusal" || key == "tool_call_id") {
            tokens = count_text(value);
        } else {
            // Anything else (legacy "function_call", fields newer than this code): key and value
            // serialized, so an unknown field is never counted as free.
            tokens = saturating_add(to_count(key.size()), serialized_bytes(value));
        }
        total = saturating_add(total, tokens);
    }
    return total;
}

}  // namespace

std::int64_t chat_prompt_tokens_bound(const json& request, const BpeEncoding* encoding) {
    const TextCounter count_text{encoding};
    std::int64_t total = kTokensPerRequestAllowance;
    if (!request.is_object()) return saturating_add(total, serialized_bytes(request));

    const auto messages = request.find("messages");
    if (messages != request.end()) {
        if (messages->is_array()) {
            for (const json& message : *messages) {
                total = saturating_add(total, kTokensPerMessageAllowance);
                total = saturating_add(total, message_tokens(message, count_text));
            }
        } else {
            total = saturating_add(total, serialized_bytes(*messages));
        }
    }

    // Definitions the provider renders into the prompt. "tool_choice" and the legacy
    // "function_call" can name a function, which the template also renders: counted too.
    for (const char* field :
         {"tools", "functions", "response_format", "prediction", "tool_choice", "function_call"}) {
        const auto it = request.find(field);
        if (it != request.end() && !it->is_null()) {
            total = saturating_add(total, serialized_bytes(*it));
        }
    }
    return total;
}

}  // namespace creditgate
