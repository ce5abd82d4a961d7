#pragma once
// One structured JSON line per request. Never a key, an Authorization header or a prompt.
#include <chrono>
#include <cstdint>
#include <string>

namespace creditgate {

struct AccessRecord {
    std::string request_id;
    std::string method;
    std::string path;
    int status = 0;
    std::int64_t account_id = 0;
    std::int64_t key_id = 0;
    std::string model;
    bool stream = false;
    std::int64_t prompt_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t cost_nanos = 0;
    std::string flags;       // "estimated", "client_closed", ...
    std::string error_code;  // our error code when we answered with one
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::int64_t upstream_first_byte_us = -1;
};

void log_access(const AccessRecord& record);

// Unique, unguessable enough for correlation: "req_" + 24 hex characters.
std::string new_request_id();

}  // namespace creditgate
