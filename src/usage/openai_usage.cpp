#include "creditgate/usage/openai_usage.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

#include <nlohmann/json.hpp>

#include "chunk_scanner.hpp"
#include "count_field.hpp"

namespace creditgate {

namespace {

using usage_detail::count_field;

using nlohmann::json;
using usage_detail::ChunkScan;
using usage_detail::is_json_space;
using usage_detail::kBom;

constexpr std::string_view kNullUsageSuffix = ",\"usage\":null}";
constexpr std::string_view kNullUsageMember = ",\"usage\":null";

std::string_view trim_json_space(std::string_view s) {
    while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
    return s;
}

const json* member(const json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
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

// A string's bytes, or its tokens with `bpe`; 0 for anything else.
std::int64_t string_size(const json* value, const BpeEncoding* bpe) {
    if (value == nullptr || !value->is_string()) return 0;
    const auto& text = value->get_ref<const std::string&>();
    return bpe != nullptr ? bpe->count(text) : static_cast<std::int64_t>(text.size());
}

std::int64_t function_size(const json* function, const BpeEncoding* bpe) {
    if (function == nullptr) return 0;
    return string_size(member(*function, "name"), bpe) +
           string_size(member(*function, "arguments"), bpe);
}

std::int64_t message_output_size(const json& message, const BpeEncoding* bpe) {
    std::int64_t total = 0;
    if (const json* content = member(message, "content"); content != nullptr) {
        if (content->is_string()) {
            total += string_size(content, bpe);
        } else if (content->is_array()) {
            for (const auto& part : *content) {
                total += string_size(member(part, "text"), bpe) +
                         string_size(member(part, "refusal"), bpe);
            }
        }
    }
    total += string_size(member(message, "refusal"), bpe);
    total += string_size(member(message, "reasoning_content"), bpe);
    total += string_size(member(message, "reasoning"), bpe);
    if (const json* calls = member(message, "tool_calls"); calls != nullptr && calls->is_array()) {
        for (const auto& call : *calls) total += function_size(member(call, "function"), bpe);
    }
    total += function_size(member(message, "function_call"), bpe);
    return total;
}

// Tokens of the strings the scan counted. A string with escapes is decoded first (nlohmann
// reads the quoted literal); a chunk with more strings than the scan keeps counts its bytes.
std::int64_t counted_tokens(std::string_view data, const ChunkScan& scan, const BpeEncoding& bpe) {
    if (scan.counted_strings > scan.counted.size()) return scan.output_bytes;
    std::int64_t tokens = 0;
    for (std::size_t i = 0; i < scan.counted_strings; ++i) {
        const auto& counted = scan.counted[i];
        const std::string_view raw = data.substr(counted.begin, counted.end - counted.begin);
        if (!counted.has_escape) {
            tokens += bpe.count(raw);
            continue;
        }
        const std::string_view literal = data.substr(counted.begin - 1, raw.size() + 2);
        const json decoded = json::parse(literal.begin(), literal.end(), nullptr, false);
        if (!decoded.is_string()) return scan.output_bytes;  // cannot happen: the scan checked it
        tokens += bpe.count(decoded.get_ref<const std::string&>());
    }
    return tokens;
}

}  // namespace

namespace usage_detail {

std::optional<std::int64_t> count_field(const json& object, const char* name) {
    if (!object.is_object()) return std::nullopt;
    const auto it = object.find(name);
    if (it == object.end()) return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(value);
    }
    if (it->is_number_integer()) {
        const auto value = it->get<std::int64_t>();
        if (value < 0) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

}  // namespace usage_detail

TokenCounts ReportedUsage::to_counts() const {
    // Reasoning tokens are already inside completion_tokens in the OpenAI shape, and cached
    // tokens inside prompt_tokens: each token is priced once (pricing splits cached apart).
    TokenCounts counts;
    counts.prompt_tokens = prompt_tokens.value_or(0);
    counts.cached_tokens = cached_tokens.value_or(0);
    counts.completion_tokens = completion_tokens.value_or(0);
    counts.cache_write_tokens = cache_write_tokens.value_or(0);
    counts.reasoning_tokens = reasoning_tokens.value_or(0);
    counts.images = images.value_or(0);
    // A sum that would not fit stays inconsistent: compute_cost refuses it, the quote is charged.
    if (counts.reasoning_tokens > counts.completion_tokens &&
        counts.completion_tokens <=
            std::numeric_limits<std::int64_t>::max() - counts.reasoning_tokens) {
        counts.completion_tokens += counts.reasoning_tokens;
    }
    return counts;
}

std::optional<ReportedUsage> usage_from_json(const json& object) {
    const json* usage = member(object, "usage");
    if (usage == nullptr || !usage->is_object()) return std::nullopt;
    ReportedUsage reported;
    reported.prompt_tokens = count_field(*usage, "prompt_tokens");
    reported.completion_tokens = count_field(*usage, "completion_tokens");
    reported.total_tokens = count_field(*usage, "total_tokens");
    if (const json* details = member(*usage, "prompt_tokens_details"); details != nullptr) {
        reported.cached_tokens = count_field(*details, "cached_tokens");
    }
    if (const json* details = member(*usage, "completion_tokens_details"); details != nullptr) {
        reported.reasoning_tokens = count_field(*details, "reasoning_tokens");
    }
    if (nested_within(*usage, 32)) {
        reported.raw = usage->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return reported;
}

void merge_usage(ReportedUsage& into, const ReportedUsage& from) {
    const auto keep_max = [](std::optional<std::int64_t>& a, const std::optional<std::int64_t>& b) {
        if (b && (!a || *b > *a)) a = b;
    };
    keep_max(into.prompt_tokens, from.prompt_tokens);
    keep_max(into.completion_tokens, from.completion_tokens);
    keep_max(into.cached_tokens, from.cached_tokens);
    keep_max(into.reasoning_tokens, from.reasoning_tokens);
    keep_max(into.cache_write_tokens, from.cache_write_tokens);
    keep_max(into.cache_write_1h_tokens, from.cache_write_1h_tokens);
    keep_max(into.images, from.images);
    keep_max(into.total_tokens, from.total_tokens);
    if (!from.raw.empty()) into.raw = from.raw;
}

ChunkView inspect_chat_chunk(std::string_view data, const BpeEncoding* bpe) {
    ChunkView view;
    const std::string_view trimmed = trim_json_space(data);
    if (trimmed == "[DONE]") {
        view.is_done = true;
        return view;
    }
    const ChunkScan scan = usage_detail::scan_chat_chunk(data);
    if (!scan.ok) return {};
    view.output_bytes = scan.output_bytes;
    view.output_tokens = (bpe != nullptr && scan.output_bytes > 0)
                             ? counted_tokens(data, scan, *bpe)
                             : scan.output_bytes;
    view.ends_with_null_usage = trimmed.ends_with(kNullUsageSuffix);
    if (!scan.usage_is_object) return view;

    // The one chunk per stream that carries usage: parse it in full.
    const json chunk = json::parse(data.begin(), data.end(), nullptr, false);
    if (chunk.is_discarded()) return {};
    view.usage = usage_from_json(chunk);
    if (view.usage) {
        // Keep the provider's own bytes (the DOM would reorder keys): what a dispute needs.
        view.usage->raw.assign(data.substr(scan.usage_begin, scan.usage_end - scan.usage_begin));
        const json* choices = member(chunk, "choices");
        view.is_usage_only =
            choices == nullptr || choices->is_null() || (choices->is_array() && choices->empty());
    }
    return view;
}

std::string strip_null_usage(std::string_view raw_event) {
    // Find the last data line with any non-space text; the data's final '}' is on it.
    std::size_t value_begin = 0;
    std::size_t value_end = 0;
    bool found = false;
    std::size_t line_begin = raw_event.starts_with(kBom) ? kBom.size() : 0;
    while (line_begin < raw_event.size()) {
        std::size_t line_end = raw_event.find_first_of("\r\n", line_begin);
        if (line_end == std::string_view::npos) line_end = raw_event.size();
        const std::string_view line = raw_event.substr(line_begin, line_end - line_begin);
        if (line.starts_with("data") && (line.size() == 4 || line[4] == ':')) {
            std::size_t begin = line_begin + std::min<std::size_t>(line.size(), 5);
            if (begin < line_end && raw_event[begin] == ' ') ++begin;
            std::size_t end = line_end;
            while (end > begin && is_json_space(raw_event[end - 1])) --end;
            if (end > begin) {
                value_begin = begin;
                value_end = end;
                found = true;
            }
        }
        line_begin = line_end;
        if (line_begin < raw_event.size() && raw_event[line_begin] == '\r') ++line_begin;
        if (line_begin < raw_event.size() && raw_event[line_begin] == '\n') ++line_begin;
    }
    const std::string_view value = raw_event.substr(value_begin, value_end - value_begin);
    if (!found || !value.ends_with(kNullUsageSuffix)) return std::string(raw_event);
    const std::size_t cut = value_end - kNullUsageSuffix.size();
    std::string stripped;
    stripped.reserve(raw_event.size() - kNullUsageMember.size());
    stripped.append(raw_event.substr(0, cut));
    stripped.append(raw_event.substr(cut + kNullUsageMember.size()));
    return stripped;
}

std::int64_t chat_completion_output_tokens(const json& body, const BpeEncoding* bpe) {
    const json* choices = member(body, "choices");
    if (choices == nullptr || !choices->is_array()) return 0;
    std::int64_t total = 0;
    for (const auto& choice : *choices) {
        if (const json* message = member(choice, "message"); message != nullptr) {
            total += message_output_size(*message, bpe);
        }
    }
    return total;
}

std::int64_t chat_completion_output_bytes(const json& body) {
    return chat_completion_output_tokens(body, nullptr);
}

std::int64_t completion_output_bytes(const json& body) {
    const json* choices = member(body, "choices");
    if (choices == nullptr || !choices->is_array()) return 0;
    std::int64_t total = 0;
    for (const auto& choice : *choices) total += string_size(member(choice, "text"), nullptr);
    return total;
}

std::optional<ReportedUsage> top_level_usage(std::string_view json_text) {
    const ChunkScan scan = usage_detail::scan_chat_chunk(json_text);
    if (!scan.ok || !scan.usage_is_object) return std::nullopt;
    const std::string_view bytes =
        json_text.substr(scan.usage_begin, scan.usage_end - scan.usage_begin);
    const json usage = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (usage.is_discarded()) return std::nullopt;
    auto reported = usage_from_json(json{{"usage", usage}});
    if (reported) reported->raw.assign(bytes);
    return reported;
}

}  // namespace creditgate
