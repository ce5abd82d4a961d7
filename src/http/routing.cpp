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

Response error_response(const ApiError& error, const std::string& request_id, std::string body) {
    Response response{error.status, 11};
    response.set(http::field::content_type, "application/json");
    if (!request_id.empty()) response.set("x-request-id", request_id);
    if (!error.allow.empty()) response.set(http::field::allow, error.allow);
    if (error.code == ErrorCode::rate_limited) {
        response.set(
            http::field::retry_after,
            std::to_string(error.retry_after_s > 0 ? error.retry_after_s : kRetryAfterSeconds));
    }
    response.body() = std::move(body);
    return response;
}

}  // namespace creditgate
