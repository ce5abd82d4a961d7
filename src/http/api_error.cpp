#include "creditgate/http/api_error.hpp"

#include <nlohmann/json.hpp>

namespace creditgate {

namespace {

using boost::beast::http::status;

struct ErrorRow {
    status http_status;
    const char* code;
    const char* type;
};

ErrorRow row(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_request:
            return {status::bad_request, "invalid_request", "invalid_request_error"};
        case ErrorCode::invalid_api_key:
            return {status::unauthorized, "invalid_api_key", "authentication_error"};
        case ErrorCode::insufficient_credits:
            return {status::payment_required, "insufficient_credits", "billing_error"};
        case ErrorCode::key_expired:
            return {status::forbidden, "key_expired", "permission_error"};
        case ErrorCode::model_not_allowed:
            return {status::forbidden, "model_not_allowed", "permission_error"};
        case ErrorCode::endpoint_not_allowed:
            return {status::forbidden, "endpoint_not_allowed", "permission_error"};
        case ErrorCode::ip_not_allowed:
            return {status::forbidden, "ip_not_allowed", "permission_error"};
        case ErrorCode::key_budget_exceeded:
            return {status::payment_required, "key_budget_exceeded", "billing_error"};
        case ErrorCode::permission_denied:
            return {status::forbidden, "permission_denied", "permission_error"};
        case ErrorCode::scope_too_wide:
            return {status::forbidden, "scope_too_wide", "permission_error"};
        case ErrorCode::model_not_found:
            return {status::not_found, "model_not_found", "invalid_request_error"};
        case ErrorCode::not_found:
            return {status::not_found, "not_found", "invalid_request_error"};
        case ErrorCode::method_not_allowed:
            return {status::method_not_allowed, "method_not_allowed", "invalid_request_error"};
        case ErrorCode::idempotency_conflict:
            return {status::conflict, "idempotency_conflict", "invalid_request_error"};
        case ErrorCode::request_too_large:
            return {status::payload_too_large, "request_too_large", "invalid_request_error"};
        case ErrorCode::rate_limited:
            return {status::too_many_requests, "rate_limited", "rate_limit_error"};
        case ErrorCode::upstream_error:
            return {status::bad_gateway, "upstream_error", "api_error"};
        case ErrorCode::unavailable:
            return {status::service_unavailable, "unavailable", "api_error"};
        case ErrorCode::upstream_timeout:
            return {status::gateway_timeout, "upstream_timeout", "api_error"};
    }
    return {status::internal_server_error, "internal_error", "api_error"};
}

}  // namespace

const char* code_name(ErrorCode code) {
    return row(code).code;
}

ApiError api_error(ErrorCode code, std::string message, std::string param) {
    return ApiError{row(code).http_status, code, std::move(message), std::move(param), {}, 0};
}

std::string ApiError::body() const {
    nlohmann::json error = {{"message", message},
                            {"type", row(code).type},
                            {"param", param.empty() ? nlohmann::json() : nlohmann::json(param)},
                            {"code", row(code).code}};
    return nlohmann::json{{"error", std::move(error)}}.dump();
}

}  // namespace creditgate
