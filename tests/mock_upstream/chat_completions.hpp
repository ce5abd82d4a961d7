#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/chat/completions: the behaviour is chosen by the request's "model" (see README.md).
Reply chat_completions_reply(const Request& request);

}  // namespace creditgate::mock
