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

}  // namespace creditgate
