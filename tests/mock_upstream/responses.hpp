#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/responses: the Responses API, a response object or its named SSE events ending with
// response.completed, response.failed or response.incomplete (README.md).
Reply responses_reply(const Request& request);

}  // namespace creditgate::mock
