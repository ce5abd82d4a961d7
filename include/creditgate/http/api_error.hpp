#pragma once
// The error table of DESIGN.md, in one place: every error any route returns is built here.
#include <boost/beast/http/status.hpp>

#include <string>

namespace creditgate {

enum class ErrorCode {
    invalid_request,
    invalid_api_key,
    insufficient_credits,
    key_expired,
    model_not_allowed,
    endpoint_not_allowed,
    ip_not_allowed,
    key_budget_exceeded,
    permission_denied,  // the key lacks a right the route needs (keys:manage)
    scope_too_wide,     // a sub-key would be wider than the key minting it
    model_not_found,
    not_found,
    method_not_allowed,
    idempotency_conflict,
    request_too_large,
    rate_limited,
    upstream_error,
    unavailable,
    upstream_timeout,
};

struct ApiError {
    boost::beast::http::status status;
    ErrorCode code;
    std::string message;
    std::string param;      // the offending field, empty when none
    std::string allow;      // 405 only: the methods the path accepts (the Allow header)
    int retry_after_s = 0;  // 429 only: the Retry-After header; kRetryAfterSeconds when 0

    // {"error":{"message","type","param","code"}}, the OpenAI shape.
    std::string body() const;
};

ApiError api_error(ErrorCode code, std::string message, std::string param = {});
const char* code_name(ErrorCode code);

// What a 429 tells the client to wait before retrying (the Retry-After header, in seconds).
inline constexpr int kRetryAfterSeconds = 1;

}  // namespace creditgate
