#include "creditgate/pricing/responses_quote.hpp"

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "byte_bounds.hpp"
#include "creditgate/pricing/chat_quote.hpp"

namespace creditgate {

namespace {

using json = nlohmann::json;
using bounds_detail::saturating_add;
using bounds_detail::serialized_bytes;
using bounds_detail::text_bytes;

std::int64_t part_bytes(const json& part) {
    const auto type = part.is_object() ? part.find("type") : part.end();
    if (!part.is_object() || type == part.end() || !type->is_string()) {
        return serialized_bytes(part);
    }
    const std::string_view kind = type->get_ref<const std::string&>();
    const auto text = part.find("text");
    if ((kind == "input_text" || kind == "output_text") && text != part.end()) {
        return text_bytes(*text);
    }
    // The provider prices an image by its pixels, not by its URL or base64 bytes.
    if (kind == "input_image") return kTokensPerImagePart;
    return serialized_bytes(part);
}

std::int64_t item_bytes(const json& item) {
    if (!item.is_object()) return serialized_bytes(item);
    const auto content = item.find("content");
    const auto role = item.find("role");
    if (content == item.end() || role == item.end()) return serialized_bytes(item);
    std::int64_t total = text_bytes(*role);
    if (!content->is_array()) return saturating_add(total, text_bytes(*content));
    for (const auto& part : *content) total = saturating_add(total, part_bytes(part));
    return total;
}

}  // namespace

std::int64_t responses_prompt_tokens_bound(const json& request) {
    std::int64_t total = kTokensPerRequestAllowance;
    if (!request.is_object()) return saturating_add(total, serialized_bytes(request));
    if (const auto it = request.find("instructions"); it != request.end() && !it->is_null()) {
        total = saturating_add(total, text_bytes(*it));
    }
    if (const auto input = request.find("input"); input != request.end() && !input->is_null()) {
        if (input->is_array()) {
            for (const auto& item : *input) {
                total = saturating_add(total, kTokensPerResponsesItemAllowance);
                total = saturating_add(total, item_bytes(item));
            }
        } else {
            total = saturating_add(total, kTokensPerResponsesItemAllowance);
            total = saturating_add(total, text_bytes(*input));
        }
    }
    for (const char* field : {"tools", "tool_choice", "text"}) {
        const auto it = request.find(field);
        if (it != request.end() && !it->is_null()) {
            total = saturating_add(total, serialized_bytes(*it));
        }
    }
    return total;
}

}  // namespace creditgate
