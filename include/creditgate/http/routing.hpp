#pragma once
// Small helpers shared by both listeners' routers.
#include <string>
#include <string_view>

#include "creditgate/http/session.hpp"

namespace creditgate {

// The path of a request target, without the query string.
std::string_view target_path(std::string_view target);

// A JSON reply with the request id set.
Response json_reply(http::status status, std::string body, const std::string& request_id);

// An error reply: the error's status, `body` (the error in the client's API shape, error.body()
// for OpenAI's), x-request-id, and Allow (405) or Retry-After (429) as the error needs.
Response error_response(const ApiError& error, const std::string& request_id, std::string body);

}  // namespace creditgate
