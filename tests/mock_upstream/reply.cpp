#include "reply.hpp"

#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

constexpr std::string_view kServerName = "mock_upstream";

}  // namespace

Reply json_reply(unsigned status, std::string body, bool keep_alive) {
    Reply reply;
    reply.kind = Reply::Kind::whole;
    reply.whole.version(11);
    reply.whole.result(status);
    reply.whole.set(http::field::server, kServerName);
    reply.whole.set(http::field::content_type, "application/json");
    reply.whole.body() = std::move(body);
    reply.whole.keep_alive(keep_alive);
    reply.whole.prepare_payload();
    return reply;
}

Reply openai_error_reply(unsigned status, std::string_view message, std::string_view type,
                         const std::optional<std::string>& param,
                         const std::optional<std::string>& code, bool keep_alive) {
    return json_reply(status, error_body(message, type, param, code), keep_alive);
}

Reply stream_reply(std::vector<StreamEvent> events, bool keep_alive) {
    Reply reply;
    reply.kind = Reply::Kind::stream;
    reply.stream_head.version(11);
    reply.stream_head.result(http::status::ok);
    reply.stream_head.set(http::field::server, kServerName);
    reply.stream_head.set(http::field::content_type, "text/event-stream");
    reply.stream_head.set(http::field::cache_control, "no-cache");
    reply.stream_head.keep_alive(keep_alive);
    reply.stream_head.chunked(true);
    reply.events = std::move(events);
    return reply;
}

Reply hang_reply() {
    Reply reply;
    reply.kind = Reply::Kind::hang;
    return reply;
}

}  // namespace creditgate::mock
