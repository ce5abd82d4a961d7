#include "creditgate/shapes/anthropic_errors.hpp"

#include <nlohmann/json.hpp>

namespace creditgate {

const char* anthropic_error_type(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_request:
        case ErrorCode::method_not_allowed:
        case ErrorCode::idempotency_conflict:
            return "invalid_request_error";
        case ErrorCode::invalid_api_key:
            return "authentication_error";
        case ErrorCode::insufficient_credits:
        case ErrorCode::key_budget_exceeded:
            return "billing_error";
        case ErrorCode::key_expired:
        case ErrorCode::model_not_allowed:
        case ErrorCode::endpoint_not_allowed:
        case ErrorCode::ip_not_allowed:
        case ErrorCode::permission_denied:
        case ErrorCode::scope_too_wide:
            return "permission_error";
        case ErrorCode::model_not_found:
        case ErrorCode::not_found:
            return "not_found_error";
        case ErrorCode::request_too_large:
            return "request_too_large";
        case ErrorCode::rate_limited:
            return "rate_limit_error";
        case ErrorCode::upstream_timeout:
            return "timeout_error";
        case ErrorCode::upstream_error:
        case ErrorCode::unavailable:
            return "api_error";
    }
    return "api_error";
}

std::string anthropic_error_body(const ApiError& error) {
    nlohmann::json body = {
        {"type", "error"},
        {"error", {{"type", anthropic_error_type(error.code)}, {"message", error.message}}}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_anthropic_path(std::string_view path) {
    constexpr std::string_view kMessages = "/v1/messages";
    return path.starts_with(kMessages) &&
           (path.size() == kMessages.size() || path[kMessages.size()] == '/');
}

}  // namespace creditgate
