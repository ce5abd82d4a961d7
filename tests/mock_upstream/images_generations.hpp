#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/images/generations: the behaviour is chosen by the request's "model" (see README.md).
Reply images_generations_reply(const Request& request);

}  // namespace creditgate::mock
