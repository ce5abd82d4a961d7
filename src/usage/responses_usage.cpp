#include "creditgate/usage/responses_usage.hpp"

#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "count_field.hpp"

namespace creditgate {

namespace {

using nlohmann::json;

const json* member(const json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

std::optional<std::int64_t> count_field(const json* object, const char* name) {
    if (object == nullptr) return std::nullopt;
    return usage_detail::count_field(*object, name);
}

std::int64_t string_bytes(const json* value) {
    return value != nullptr && value->is_string()
               ? static_cast<std::int64_t>(value->get_ref<const std::string&>().size())
               : 0;
}

std::int64_t text_parts_bytes(const json* parts) {
    if (parts == nullptr || !parts->is_array()) return 0;
    std::int64_t total = 0;
    for (const auto& part : *parts) {
        total += string_bytes(member(part, "text")) + string_bytes(member(part, "refusal"));
    }
    return total;
}

std::int64_t output_item_bytes(const json& item) {
    return text_parts_bytes(member(item, "content")) + text_parts_bytes(member(item, "summary")) +
           string_bytes(member(item, "name")) + string_bytes(member(item, "arguments")) +
           string_bytes(member(item, "input"));
}

}  // namespace

std::optional<ReportedUsage> responses_usage_from_json(const json& response) {
    const json* usage = member(response, "usage");
    if (usage == nullptr || !usage->is_object()) return std::nullopt;
    ReportedUsage reported;
    reported.prompt_tokens = count_field(usage, "input_tokens");
    reported.completion_tokens = count_field(usage, "output_tokens");
    reported.total_tokens = count_field(usage, "total_tokens");
    reported.cached_tokens = count_field(member(*usage, "input_tokens_details"), "cached_tokens");
    reported.reasoning_tokens =
        count_field(member(*usage, "output_tokens_details"), "reasoning_tokens");
    reported.raw = usage->dump(-1, ' ', false, json::error_handler_t::replace);
    return reported;
}

ResponsesEventView inspect_responses_event(std::string_view name, std::string_view data) {
    ResponsesEventView view;
    const json event = json::parse(data.begin(), data.end(), nullptr, false);
    if (event.is_discarded() || !event.is_object()) return view;
    std::string type(name);
    if (type.empty()) {
        const json* field = member(event, "type");
        if (field != nullptr && field->is_string()) type = field->get<std::string>();
    }
    if (type == "response.completed" || type == "response.failed" ||
        type == "response.incomplete") {
        view.is_final = true;
        if (const json* response = member(event, "response")) {
            view.usage = responses_usage_from_json(*response);
        }
    } else if (type.ends_with(".delta")) {
        view.output_bytes = string_bytes(member(event, "delta"));
    } else if (type == "error") {
        // Text the provider generated for the client: an error stream is not free.
        view.output_bytes = string_bytes(member(event, "message"));
    }
    return view;
}

std::int64_t responses_output_bytes(const json& response) {
    const json* output = member(response, "output");
    if (output == nullptr || !output->is_array()) return 0;
    std::int64_t total = 0;
    for (const auto& item : *output) total += output_item_bytes(item);
    return total;
}

}  // namespace creditgate
