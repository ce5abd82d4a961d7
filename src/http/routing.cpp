#include "creditgate/http/routing.hpp"

namespace creditgate {

std::string_view target_path(std::string_view target) {
    auto query = target.find('?');
    return query == std::string_view::npos ? target : target.substr(0, query);
}

Response json_reply(http::status status, std::string body, const std::string& request_id) {
    Response reply{status, 11};
    reply.set(http::field::content_type, "application/json");
    reply.set("x-request-id", request_id);
    reply.body() = std::move(body);
    return reply;
}

void reply_method_not_allowed(HttpSession& session, const char* allow,
                              const std::string& request_id) {
    auto error =
        api_error(ErrorCode::method_not_allowed, std::string("Use ") + allow + " on this path.");
    Response reply = json_reply(error.status, error.body(), request_id);
    reply.set(http::field::allow, allow);
    session.reply(std::move(reply));
}

}  // namespace creditgate
