#include "responses.hpp"

#include <array>
#include <chrono>
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

json usage_object(const Usage& usage) {
    return {{"input_tokens", usage.prompt_tokens},
            {"input_tokens_details", {{"cached_tokens", usage.cached_tokens}}},
            {"output_tokens", usage.completion_tokens},
            {"output_tokens_details", {{"reasoning_tokens", usage.reasoning_tokens}}},
            {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

json text_part(std::string_view text) {
    return {{"type", "output_text"}, {"text", text}, {"annotations", json::array()}};
}

json message_item(const std::string& id, std::string_view text, std::string_view status) {
    json content = json::array();
    if (status == "completed") content.push_back(text_part(text));
    return {{"id", id},
            {"type", "message"},
            {"status", status},
            {"role", "assistant"},
            {"content", std::move(content)}};
}

// The final status a route ends with, and what the response says about it.
struct Ending {
    std::string status = "completed";
    json error = nullptr;
    json incomplete_details = nullptr;
};

Ending ending_for(Behaviour behaviour) {
    Ending ending;
    if (behaviour == Behaviour::failed) {
        ending.status = "failed";
        ending.error = {{"code", "server_error"}, {"message", "mock failure"}};
    } else if (behaviour == Behaviour::incomplete) {
        ending.status = "incomplete";
        ending.incomplete_details = {{"reason", "max_output_tokens"}};
    }
    return ending;
}

class ResponseWriter {
  public:
    ResponseWriter(const CompletionIdentity& identity, const json& request)
        : id_("resp_" + identity.id), message_id_("msg_" + identity.id) {
        base_ = {{"id", id_},
                 {"object", "response"},
                 {"created_at", identity.created_s},
                 {"status", "in_progress"},
                 {"error", nullptr},
                 {"incomplete_details", nullptr},
                 {"instructions", request.value("instructions", json())},
                 {"max_output_tokens", request.value("max_output_tokens", json())},
                 {"model", identity.model},
                 {"output", json::array()},
                 {"parallel_tool_calls", true},
                 {"tool_choice", "auto"},
                 {"tools", json::array()},
                 {"usage", nullptr}};
    }

    json response(const Ending& ending, std::string_view text,
                  const std::optional<Usage>& usage) const {
        json out = base_;
        out["status"] = ending.status;
        out["error"] = ending.error;
        out["incomplete_details"] = ending.incomplete_details;
        out["output"] = json::array({message_item(message_id_, text, "completed")});
        if (usage) out["usage"] = usage_object(*usage);
        return out;
    }

    // "event: <type>\ndata: {"type":<type>,...,"sequence_number":n}\n\n"
    std::string event(const std::string& type, json fields) {
        fields["type"] = type;
        fields["sequence_number"] = sequence_++;
        return "event: " + type + "\ndata: " + fields.dump() + "\n\n";
    }

    std::string created() { return event("response.created", {{"response", base_}}); }
    std::string item_added() {
        return event("response.output_item.added",
                     {{"output_index", 0}, {"item", message_item(message_id_, "", "in_progress")}});
    }
    std::string part_added() {
        return event("response.content_part.added", part_fields(text_part("")));
    }
    std::string delta(std::string_view piece) {
        json fields = part_fields(nullptr);
        fields.erase("part");
        fields["delta"] = piece;
        return event("response.output_text.delta", std::move(fields));
    }
    std::string text_done(std::string_view text) {
        json fields = part_fields(nullptr);
        fields.erase("part");
        fields["text"] = text;
        return event("response.output_text.done", std::move(fields));
    }
    std::string part_done(std::string_view text) {
        return event("response.content_part.done", part_fields(text_part(text)));
    }
    std::string item_done(std::string_view text) {
        return event("response.output_item.done",
                     {{"output_index", 0}, {"item", message_item(message_id_, text, "completed")}});
    }
    std::string final_event(const Ending& ending, std::string_view text,
                            const std::optional<Usage>& usage) {
        return event("response." + ending.status, {{"response", response(ending, text, usage)}});
    }
    std::string error(std::string_view message) {
        return event("error", {{"code", "server_error"}, {"message", message}, {"param", nullptr}});
    }

  private:
    json part_fields(json part) const {
        return {
            {"item_id", message_id_}, {"output_index", 0}, {"content_index", 0}, {"part", part}};
    }

    std::string id_;
    std::string message_id_;
    json base_;
    std::uint64_t sequence_ = 0;
};

}  // namespace

Reply responses_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    MockRequest call;
    MockHeaders headers;
    if (auto error = read_mock_request(request, call, headers)) return std::move(*error);
    const ModelRoute route = route_model(call.model);
    if (route.behaviour == Behaviour::error)
        return mock_error_reply(route.error_status, keep_alive);
    if (route.behaviour == Behaviour::hang) return hang_reply();

    std::optional<Usage> usage = route_usage(route, headers);
    const Ending ending = ending_for(route.behaviour);
    ResponseWriter writer(new_completion_identity(call.model), call.body);
    const bool slow = route.behaviour == Behaviour::slow_stream;
    if (!call.stream && !slow) {
        const std::string body = writer.response(ending, kHelloText, usage).dump();
        if (route.behaviour == Behaviour::cutoff) return truncated_reply(body);
        return json_reply(200, body, keep_alive);
    }

    std::vector<std::string_view> pieces(kHelloPieces.begin(), kHelloPieces.end());
    if (slow || headers.chunks) pieces.assign(headers.chunks.value_or(kDefaultSlowChunks), "tok ");
    if (route.behaviour == Behaviour::cutoff) pieces.resize(kCutoffContentChunks);
    if (route.behaviour == Behaviour::stream_error) pieces.resize(1);
    if (usage && (slow || headers.chunks)) usage->completion_tokens = pieces.size();
    const auto delay = std::chrono::milliseconds(slow ? headers.delay_ms : 0);
    std::string text;
    for (const auto piece : pieces) text += piece;

    std::vector<StreamEvent> events;
    events.push_back({writer.created(), std::chrono::milliseconds(headers.first_delay_ms)});
    events.push_back({writer.item_added()});
    events.push_back({writer.part_added()});
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        events.push_back({writer.delta(pieces[i]), i == 0 ? std::chrono::milliseconds(0) : delay});
    }
    if (route.behaviour == Behaviour::cutoff || route.behaviour == Behaviour::stream_error) {
        if (route.behaviour == Behaviour::stream_error) {
            events.push_back({writer.error("mock stream error")});
        }
        Reply reply = stream_reply(std::move(events), keep_alive);
        reply.close_after_events = route.behaviour == Behaviour::cutoff;
        return reply;
    }
    events.push_back({writer.text_done(text)});
    events.push_back({writer.part_done(text)});
    events.push_back({writer.item_done(text)});
    events.push_back({writer.final_event(ending, text, usage)});
    return stream_reply(std::move(events), keep_alive);
}

}  // namespace creditgate::mock
