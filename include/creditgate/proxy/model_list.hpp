#pragma once
// The body of GET /v1/models: the OpenAI list shape, each model with its prices under
// "pricing", so a caller knows what a call costs before making it.
#include <string>

#include "creditgate/config/config.hpp"

namespace creditgate {

// Per price class: "provider" (the provider's list price), "markup" (the operator's percent on
// it) and "price" (their sum, what is charged), decimal credits per 1M tokens for token
// classes, per request or per image otherwise. The fixed fee per request is in per_request
// only, the one class charged once per call.
std::string models_list_body(const Config& config);

}  // namespace creditgate
