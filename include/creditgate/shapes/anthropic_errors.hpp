#pragma once
// Errors in the Anthropic API's shape, for clients of POST /v1/messages:
//   {"type":"error","error":{"type":"invalid_request_error","message":"..."}}
// with the status of our error table (DESIGN.md). Anthropic's SDKs read the request id from a
// `request-id` header.
#include <string>
#include <string_view>

#include "creditgate/http/api_error.hpp"

namespace creditgate {

inline constexpr const char* kAnthropicRequestIdHeader = "request-id";

// Our code's closest Anthropic error type. 402 (insufficient_credits, key_budget_exceeded) is
// Anthropic's billing_error; 504 its timeout_error; 413 its request_too_large.
const char* anthropic_error_type(ErrorCode code);

std::string anthropic_error_body(const ApiError& error);

// True for the paths whose clients speak Anthropic's API (/v1/messages and below it): their
// errors, including 401 and 404 before any shape exists, are in Anthropic's shape.
bool is_anthropic_path(std::string_view path);

}  // namespace creditgate
