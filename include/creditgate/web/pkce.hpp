#pragma once
// PKCE (RFC 7636), S256 only: the app keeps a random verifier and sends
// BASE64URL(SHA-256(verifier)) as the challenge; the token request proves it holds the verifier.
// `plain` is refused (RFC 9700 §2.1.1): it protects nothing against a code seen in transit.
#include <string>
#include <string_view>

namespace creditgate {

// 43 to 128 of [A-Za-z0-9-._~] (RFC 7636 §4.1).
bool valid_code_verifier(std::string_view verifier);
// 43 base64url characters: the unpadded encoding of 32 bytes.
bool valid_code_challenge(std::string_view challenge);
std::string s256_challenge(std::string_view verifier);
// Constant time in the challenge's content (CRYPTO_memcmp).
bool verifier_matches(std::string_view verifier, std::string_view challenge);

}  // namespace creditgate
