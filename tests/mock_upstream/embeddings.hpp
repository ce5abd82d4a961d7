#pragma once

#include "mock_state.hpp"
#include "reply.hpp"

namespace creditgate::mock {

// POST /v1/embeddings: one vector per input, as JSON floats or base64 of little-endian float32
// ("encoding_format"), of "dimensions" values (default 8) (README.md).
Reply embeddings_reply(const Request& request);

}  // namespace creditgate::mock
