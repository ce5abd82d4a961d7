#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http.hpp>

// What the session must do with one request: the router decides, the session only performs it.
namespace creditgate::mock {

namespace http = boost::beast::http;

struct StreamEvent {
    std::string data;  // one server-sent event, written as its own HTTP chunk
    std::chrono::milliseconds delay_before{0};
};

struct Reply {
    enum class Kind {
        whole,      // write `whole`
        stream,     // write `stream_head` (chunked), then each event, then the last chunk
        truncated,  // write `raw` bytes, then close the connection abruptly
        hang,       // never answer; keep the connection until the peer closes it
    };

    Kind kind = Kind::whole;
    http::response<http::string_body> whole;
    http::response<http::empty_body> stream_head;
    std::vector<StreamEvent> events;
    bool close_after_events = false;  // stream: no last chunk, the TCP connection just closes
    // The session closes the connection instead of answering when this is not the first
    // request on it: a provider dropping a pooled keep-alive connection after reading a request.
    bool drop_if_reused = false;
    std::string raw;
};

Reply json_reply(unsigned status, std::string body, bool keep_alive);

// An error in OpenAI's shape; an empty optional is JSON null.
Reply openai_error_reply(unsigned status, std::string_view message, std::string_view type,
                         const std::optional<std::string>& param,
                         const std::optional<std::string>& code, bool keep_alive);

Reply stream_reply(std::vector<StreamEvent> events, bool keep_alive);

Reply hang_reply();

}  // namespace creditgate::mock
