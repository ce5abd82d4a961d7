#include "creditgate/auth/api_key.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <boost/algorithm/hex.hpp>

#include <array>
#include <stdexcept>

namespace creditgate {

std::string random_token() {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    std::array<unsigned char, 64> encoded{};
    int length = EVP_EncodeBlock(encoded.data(), random.data(), static_cast<int>(random.size()));
    std::string token;
    for (int i = 0; i < length; ++i) {
        char c = static_cast<char>(encoded[static_cast<std::size_t>(i)]);
        if (c == '=') break;  // base64url without padding
        token.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
    }
    return token;
}

std::string generate_api_key() {
    return std::string(kKeyPrefix) + random_token();
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    std::string out;
    out.reserve(length * 2);
    boost::algorithm::hex_lower(digest.data(), digest.data() + length, std::back_inserter(out));
    return out;
}

std::string_view bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        char c = authorization[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != scheme[i]) return {};
    }
    auto token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

}  // namespace creditgate
