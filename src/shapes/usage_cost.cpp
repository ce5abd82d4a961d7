#include "creditgate/shapes/usage_cost.hpp"

#include <nlohmann/json.hpp>

namespace creditgate {

void Shape::add_cost_to_body(std::string& body, const ShownCost& cost) {
    add_usage_cost(body, "/usage", cost.total);
}

bool add_usage_cost(std::string& json_text, const std::string& usage_pointer,
                    std::string_view cost) {
    // ordered_json: the provider's member order stays; only "cost" is new.
    auto document = nlohmann::ordered_json::parse(json_text, nullptr, false);
    if (document.is_discarded()) return false;
    const nlohmann::ordered_json::json_pointer pointer(usage_pointer);
    if (!document.contains(pointer)) return false;
    auto& usage = document[pointer];
    if (!usage.is_object()) return false;
    usage["cost"] = std::string(cost);
    json_text = document.dump();
    return true;
}

std::string sse_event_bytes(std::string_view name, std::string_view data) {
    std::string out;
    if (!name.empty()) {
        out += "event: ";
        out += name;
        out += '\n';
    }
    std::size_t start = 0;
    while (true) {
        const auto end = data.find('\n', start);
        out += "data: ";
        out += data.substr(start, end == std::string_view::npos ? end : end - start);
        out += '\n';
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    out += '\n';
    return out;
}

std::string cost_comment_block(const std::string& request_id, const ShownCost& cost,
                               const std::string& balance) {
    const nlohmann::ordered_json body = {{"request_id", request_id},
                                         {"cost", cost.total},
                                         {"balance", balance},
                                         {"provider_cost", cost.provider},
                                         {"markup", cost.markup}};
    return ": creditgate-cost " + body.dump() + "\n\n";
}

void replace_event_data(SseEvent& event, std::string data) {
    event.raw = sse_event_bytes(event.name, data);
    event.data = std::move(data);
}

}  // namespace creditgate
