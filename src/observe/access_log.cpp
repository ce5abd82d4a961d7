#include "creditgate/observe/access_log.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <random>

namespace creditgate {

void log_access(const AccessRecord& r) {
    auto elapsed = std::chrono::steady_clock::now() - r.started;
    nlohmann::json line = {
        {"event", "request"},
        {"request_id", r.request_id},
        {"method", r.method},
        {"path", r.path},
        {"status", r.status},
        {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()},
    };
    if (r.account_id) line["account_id"] = r.account_id;
    if (r.key_id) line["key_id"] = r.key_id;
    if (!r.model.empty()) {
        line["model"] = r.model;
        line["stream"] = r.stream;
        line["prompt_tokens"] = r.prompt_tokens;
        line["cached_tokens"] = r.cached_tokens;
        line["completion_tokens"] = r.completion_tokens;
        line["cost_nanos"] = r.cost_nanos;
    }
    if (r.upstream_first_byte_us >= 0) line["upstream_first_byte_us"] = r.upstream_first_byte_us;
    if (!r.flags.empty()) line["flags"] = r.flags;
    if (!r.error_code.empty()) line["error"] = r.error_code;
    spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string new_request_id() {
    // One CSPRNG seed per thread, then a fast generator: ids need to be unique, not secret.
    thread_local std::mt19937_64 generator = [] {
        std::uint64_t seed = 0;
        if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) {
            seed = std::random_device{}();
        }
        return std::mt19937_64(seed);
    }();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "req_";
    for (int part = 0; part < 2; ++part) {
        auto bits = generator();
        for (int i = 0; i < (part == 0 ? 16 : 8); ++i, bits >>= 4) id.push_back(kHex[bits & 0xf]);
    }
    return id;
}

}  // namespace creditgate
