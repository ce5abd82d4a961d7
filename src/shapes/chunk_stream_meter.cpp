#include "creditgate/shapes/chunk_stream_meter.hpp"

#include "creditgate/shapes/usage_cost.hpp"

namespace creditgate {

EventVerdict ChunkStreamMeter::inspect_event(SseEvent& event, bool client_wants_usage) {
    auto view = inspect_chat_chunk(event.data, output_bpe_);
    if (view.usage) take_usage(std::move(*view.usage));
    output_bytes_ += view.output_bytes;
    output_tokens_ += view.output_tokens;
    EventVerdict verdict;
    verdict.starts_tail = view.is_usage_only || view.is_done;
    verdict.ends_stream = view.is_done;
    if (!client_wants_usage) {
        if (view.is_usage_only) verdict.drop = true;  // we asked for it, the client did not
        if (view.ends_with_null_usage) event.raw = strip_null_usage(event.raw);
    }
    return verdict;
}

void ChunkStreamMeter::inspect_body(std::string_view body) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        output_bytes_ = output_tokens_ = static_cast<std::int64_t>(body.size());
        return;
    }
    if (auto usage = usage_from_json(parsed)) take_usage(std::move(*usage));
    // A chat.completion has message outputs, a text_completion choices[].text: the other counts
    // 0. Legacy text is counted in bytes, which bound its tokens.
    const auto text_bytes = completion_output_bytes(parsed);
    const auto message_bytes = chat_completion_output_bytes(parsed);
    output_bytes_ = message_bytes + text_bytes;
    output_tokens_ = (output_bpe_ != nullptr ? chat_completion_output_tokens(parsed, output_bpe_)
                                             : message_bytes) +
                     text_bytes;
}

void add_cost_to_usage_chunk(SseEvent& event, const ShownCost& cost) {
    if (!inspect_chat_chunk(event.data).usage) return;
    std::string data = event.data;
    if (add_usage_cost(data, "/usage", cost.total)) replace_event_data(event, std::move(data));
}

void ChunkStreamMeter::take_usage(ReportedUsage usage) {
    if (usage_) {
        merge_usage(*usage_, usage);
    } else {
        usage_ = std::move(usage);
    }
}

std::string chunk_stream_upstream_body(nlohmann::json& body, const ModelConfig& model, bool stream,
                                       bool client_wants_usage) {
    body["model"] = model.upstream_model;
    if (stream && !client_wants_usage) body["stream_options"]["include_usage"] = true;
    return body.dump();
}

}  // namespace creditgate
