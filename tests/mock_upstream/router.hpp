#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// Maps one fully read request to its reply: /v1/* (recorded and counted) and /__mock/*.
Reply route(const Request& request, MockState& state);

}  // namespace creditgate::mock
