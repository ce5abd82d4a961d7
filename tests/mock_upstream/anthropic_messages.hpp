#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/messages, Anthropic's Messages API: the behaviour is chosen by the request's
// "model" (see README.md). Requires x-api-key and anthropic-version, as Anthropic does.
Reply anthropic_messages_reply(const Request& request);

}  // namespace creditgate::mock
