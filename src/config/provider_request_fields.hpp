#pragma once
// Private: what a provider entry adds to every upstream request, validated — its extra
// `headers` and its `query` parameters.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace creditgate::config_detail {

inline constexpr std::size_t kMaxHeaderNameChars = 64;

// An HTTP field name (RFC 9110 5.1) of 1 to kMaxHeaderNameChars characters.
bool is_header_token(const std::string& name);

// `name` checked with is_header_token (a ConfigError at `path` if not) and lower-cased.
std::string require_header_name(std::string name, const std::string& path);

// `headers`: {"name": "value"}. Names lower-cased; refused: credentials, hop-by-hop and framing
// headers and the ones creditgate sets itself (is_never_forwarded_header); values without
// control characters (a CR or LF would split the request).
std::vector<std::pair<std::string, std::string>> parse_extra_headers(const nlohmann::json& value,
                                                                     const std::string& path);

// `query`: {"api-version": "2024-10-21"} -> "api-version=2024-10-21", percent-encoded.
std::string parse_query(const nlohmann::json& value, const std::string& path);

}  // namespace creditgate::config_detail
