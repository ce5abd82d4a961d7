#include "creditgate/pricing/messages_quote.hpp"

#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "creditgate/pricing/chat_quote.hpp"

namespace creditgate {

namespace {

using json = nlohmann::json;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
// tool_result blocks nest content blocks; deeper nesting is counted serialized (more bytes).
constexpr int kMaxBlockDepth = 4;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    return (a > kInt64Max - b) ? kInt64Max : a + b;
}

std::int64_t to_count(std::size_t n) {
    return n > static_cast<std::size_t>(kInt64Max) ? kInt64Max : static_cast<std::int64_t>(n);
}

std::int64_t serialized_bytes(const json& value) {
    return to_count(value.dump(-1, ' ', false, json::error_handler_t::replace).size());
}

std::int64_t text_bytes(const json& value) {
    if (value.is_string()) return to_count(value.get_ref<const std::string&>().size());
    return serialized_bytes(value);
}

std::int64_t content_bytes(const json& content, int depth);

std::int64_t block_bytes(const json& block, int depth) {
    if (!block.is_object() || depth > kMaxBlockDepth) return serialized_bytes(block);
    const auto type = block.find("type");
    if (type == block.end() || !type->is_string()) return serialized_bytes(block);
    const std::string_view kind = type->get_ref<const std::string&>();
    if (kind == "text") {
        // The text, and any other field (citations, cache_control) serialized.
        std::int64_t total = 0;
        for (const auto& [key, value] : block.items()) {
            if (key == "type") continue;
            total = saturating_add(total, key == "text"
                                              ? text_bytes(value)
                                              : to_count(key.size()) + serialized_bytes(value));
        }
        return total;
    }
    // The provider prices an image's pixels, not its bytes or URL.
    if (kind == "image") return kTokensPerImagePart;
    if (kind == "tool_result") {
        std::int64_t total = kTokensPerMessageAllowance;
        for (const auto& [key, value] : block.items()) {
            if (key == "type") continue;
            total = saturating_add(total, key == "content"
                                              ? content_bytes(value, depth + 1)
                                              : to_count(key.size()) + serialized_bytes(value));
        }
        return total;
    }
    // tool_use, document, thinking, search results and any type we do not know: all of it.
    return serialized_bytes(block);
}

std::int64_t content_bytes(const json& content, int depth) {
    if (content.is_string()) return text_bytes(content);
    if (!content.is_array()) return serialized_bytes(content);
    std::int64_t total = 0;
    for (const json& block : content) total = saturating_add(total, block_bytes(block, depth));
    return total;
}

std::int64_t message_bytes(const json& message) {
    if (!message.is_object()) return serialized_bytes(message);
    std::int64_t total = 0;
    for (const auto& [key, value] : message.items()) {
        std::int64_t bytes = 0;
        if (key == "content") {
            bytes = content_bytes(value, 0);
        } else if (key == "role") {
            bytes = text_bytes(value);
        } else {
            bytes = saturating_add(to_count(key.size()), serialized_bytes(value));
        }
        total = saturating_add(total, bytes);
    }
    return total;
}

}  // namespace

std::int64_t messages_prompt_tokens_bound(const json& request) {
    std::int64_t total = kTokensPerRequestAllowance;
    if (!request.is_object()) return saturating_add(total, serialized_bytes(request));
    if (const auto messages = request.find("messages"); messages != request.end()) {
        if (messages->is_array()) {
            for (const json& message : *messages) {
                total = saturating_add(total, kTokensPerMessageAllowance);
                total = saturating_add(total, message_bytes(message));
            }
        } else {
            total = saturating_add(total, serialized_bytes(*messages));
        }
    }
    // Tool use adds a system prompt of a few hundred tokens; an Anthropic-defined tool (one with
    // a "type": bash, text editor, computer use) is expanded by the provider into its own
    // definition, which its bytes here do not show.
    if (const auto tools = request.find("tools"); tools != request.end() && tools->is_array()) {
        if (!tools->empty()) total = saturating_add(total, kTokensToolUseAllowance);
        for (const json& tool : *tools) {
            if (tool.is_object() && tool.contains("type")) {
                total = saturating_add(total, kTokensPerDefinedToolAllowance);
            }
        }
    }
    // What the provider renders into the prompt besides the messages.
    for (const char* field : {"system", "tools", "tool_choice"}) {
        const auto it = request.find(field);
        if (it != request.end() && !it->is_null()) {
            total = saturating_add(total, serialized_bytes(*it));
        }
    }
    return total;
}

}  // namespace creditgate
