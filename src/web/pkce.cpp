#include "creditgate/web/pkce.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "creditgate/auth/base64.hpp"

namespace creditgate {

namespace {

constexpr std::size_t kChallengeChars = 43;  // 32 bytes, base64url, no padding

std::string base64url(std::string_view bytes) {
    auto text = base64_encode(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

bool base64url_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

bool valid_code_verifier(std::string_view verifier) {
    return verifier.size() >= 43 && verifier.size() <= 128 &&
           std::all_of(verifier.begin(), verifier.end(),
                       [](char c) { return base64url_char(c) || c == '.' || c == '~'; });
}

bool valid_code_challenge(std::string_view challenge) {
    return challenge.size() == kChallengeChars &&
           std::all_of(challenge.begin(), challenge.end(), base64url_char);
}

std::string s256_challenge(std::string_view verifier) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest.data(), &length, EVP_sha256(),
                   nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return base64url({reinterpret_cast<const char*>(digest.data()), length});
}

bool verifier_matches(std::string_view verifier, std::string_view challenge) {
    if (!valid_code_verifier(verifier)) return false;
    const auto expected = s256_challenge(verifier);
    return challenge.size() == expected.size() &&
           CRYPTO_memcmp(challenge.data(), expected.data(), expected.size()) == 0;
}

}  // namespace creditgate
