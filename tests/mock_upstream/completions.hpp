#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/completions: OpenAI's legacy text completions, whole or streamed (README.md).
Reply completions_reply(const Request& request);

}  // namespace creditgate::mock
