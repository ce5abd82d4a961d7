#pragma once
// API key material: generation from the OS CSPRNG, hashing for storage. The plaintext key exists
// only in the reply that creates it; the store keeps its SHA-256 and a short display prefix.
#include <string>
#include <string_view>

namespace creditgate {

inline constexpr std::string_view kKeyPrefix = "cg-";
inline constexpr std::size_t kDisplayPrefixLength = 10;  // "cg-" + 7 characters
inline constexpr std::size_t kMaxPresentedKeyLength = 256;

// base64url (no padding) of 32 bytes from the CSPRNG: a secret for keys, session cookies, links
// and codes. Throws std::runtime_error if the CSPRNG fails.
std::string random_token();
// "cg-" + random_token().
std::string generate_api_key();

// Lowercase hex SHA-256 of the text.
std::string sha256_hex(std::string_view text);

// Extracts the token of an "Authorization: Bearer <token>" header value; empty if malformed.
std::string_view bearer_token(std::string_view authorization);

}  // namespace creditgate
