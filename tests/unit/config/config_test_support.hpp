#pragma once
// Shared helpers for the config tests: a valid base config and a fake environment.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "creditgate/config/config.hpp"

namespace creditgate::config_test {

inline constexpr const char* kAdminToken = "admin-token-0123456789";
inline constexpr const char* kOpenAiKey = "sk-test-openai";

// A complete, valid config in the documented format (no comments, so tests can edit it as JSON).
inline nlohmann::json base_config() {
    return nlohmann::json::parse(R"({
      "listen": "127.0.0.1:8080",
      "admin": { "listen": "127.0.0.1:8081", "token_env": "CREDITGATE_ADMIN_TOKEN" },
      "database": { "sqlite": "var/test.db" },
      "threads": 4,
      "limits": { "max_body_bytes": 1048576, "upstream_connect_ms": 1000,
                  "upstream_first_byte_ms": 2000, "upstream_idle_ms": 3000,
                  "client_idle_ms": 4000, "max_upstream_body_bytes": 2097152,
                  "shutdown_grace_ms": 5000 },
      "markup": { "percent": "10", "fixed": "0.001" },
      "providers": {
        "openai": { "base_url": "https://api.openai.com/v1", "api_key_env": "OPENAI_API_KEY" },
        "local": { "base_url": "http://127.0.0.1:18090/v1/" }
      },
      "models": {
        "gpt-4o-mini": { "provider": "openai", "upstream_model": "gpt-4o-mini-2024-07-18",
                         "input": "0.15", "cached_input": "0.075", "output": "0.60",
                         "max_output_tokens": 16384 },
        "local-llama": { "provider": "local", "input": "0", "output": "0.000000001",
                         "max_output_tokens": 4096 }
      }
    })");
}

// The only environment the tests see: never the real process environment.
inline std::map<std::string, std::string> base_env() {
    return {{"CREDITGATE_ADMIN_TOKEN", kAdminToken},
            {"OPENAI_API_KEY", kOpenAiKey},
            {"MOCK_UPSTREAM_KEY", "mock-key"}};
}

inline EnvLookup env_from(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

inline Config parse(const nlohmann::json& document,
                    std::map<std::string, std::string> env = base_env()) {
    return parse_config(document.dump(), env_from(std::move(env)));
}

}  // namespace creditgate::config_test
