#include "completions.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_behaviour.hpp"
#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

using nlohmann::json;

constexpr std::string_view kHelloText = "Hello from the mock upstream.";
constexpr std::array<std::string_view, 7> kHelloPieces = {"Hello", " from",  " the", " mock",
                                                          " up",   "stream", "."};

json choice(std::string_view text, const json& finish_reason) {
    return {{"text", text}, {"index", 0}, {"logprobs", nullptr}, {"finish_reason", finish_reason}};
}

json completion(const CompletionIdentity& identity, json choices) {
    return {{"id", "cmpl-" + identity.id},   {"object", "text_completion"},
            {"created", identity.created_s}, {"model", identity.model},
            {"choices", std::move(choices)}, {"system_fingerprint", "fp_mock"}};
}

std::string data_event(const json& chunk) {
    return "data: " + chunk.dump() + "\n\n";
}

}  // namespace

Reply completions_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    MockRequest call;
    MockHeaders headers;
    if (auto error = read_mock_request(request, call, headers)) return std::move(*error);
    const ModelRoute route = route_model(call.model);
    if (route.behaviour == Behaviour::error)
        return mock_error_reply(route.error_status, keep_alive);
    if (route.behaviour == Behaviour::hang) return hang_reply();

    std::optional<Usage> usage = route_usage(route, headers);
    const CompletionIdentity identity = new_completion_identity(call.model);
    if (!call.stream) {
        json body = completion(identity, json::array({choice(kHelloText, "stop")}));
        if (usage) body["usage"] = json::parse(usage_json(*usage));
        if (route.behaviour == Behaviour::cutoff) return truncated_reply(body.dump());
        return json_reply(200, body.dump(), keep_alive);
    }

    std::vector<std::string_view> pieces(kHelloPieces.begin(), kHelloPieces.end());
    if (headers.chunks) pieces.assign(*headers.chunks, "tok ");
    if (route.behaviour == Behaviour::cutoff) pieces.resize(kCutoffContentChunks);
    if (usage && headers.chunks) usage->completion_tokens = pieces.size();
    // As OpenAI: with include_usage every chunk carries "usage":null but the usage chunk.
    const bool usage_chunk = call.include_usage && usage.has_value();
    const auto chunk = [&](json choices) {
        json out = completion(identity, std::move(choices));
        if (usage_chunk) out["usage"] = nullptr;
        return out;
    };
    std::vector<StreamEvent> events;
    for (const auto piece : pieces) {
        events.push_back({data_event(chunk(json::array({choice(piece, nullptr)})))});
    }
    if (route.behaviour == Behaviour::cutoff) {
        Reply reply = stream_reply(std::move(events), keep_alive);
        reply.close_after_events = true;
        return reply;
    }
    events.push_back({data_event(chunk(json::array({choice("", "stop")})))});
    if (usage_chunk) {
        json last = completion(identity, json::array());
        last["usage"] = json::parse(usage_json(*usage));
        events.push_back({data_event(last)});
    }
    events.push_back({ChunkFormatter::done_event()});
    return stream_reply(std::move(events), keep_alive);
}

}  // namespace creditgate::mock
